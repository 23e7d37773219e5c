import { describe, expect, it } from 'vitest';
import { exponentialDecay } from './exponential-decay.js';
import { stepDecay } from './step-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

describe('stepDecay (PyTorch StepLR)', () => {
  it.each(torchFixtures.step.map((c) => [c.options.step_size, c.options.gamma, c]))(
    'step_size %i, gamma %f: matches torch',
    (_s, _g, c) => {
      const f = stepDecay({
        initialLearningRate: c.options.lr,
        stepSize: c.options.step_size,
        gamma: c.options.gamma,
      });
      expectAllClose(valuesOf(f, c.lr.length), c.lr);
      const g = exponentialDecay({
        initialLearningRate: c.options.lr,
        decaySteps: c.options.step_size,
        decayRate: c.options.gamma,
        staircase: true,
      });
      expectAllClose(valuesOf(g, c.lr.length), c.lr);
    },
  );

  it('decays AT multiples of stepSize (default gamma 0.1), fractional epochs floor', () => {
    const f = stepDecay({ initialLearningRate: 1, stepSize: 10 });
    expect([0, 9.99, 10, 19, 20].map(f)).toEqual([1, 1, 0.1, 0.1, 0.1 ** 2]);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => stepDecay({ initialLearningRate: 0.1, stepSize: 0 }),
      'INVALID_ARGUMENT',
      /stepSize must be a finite number > 0, got 0/,
    );
    expectError(
      () => stepDecay({ initialLearningRate: 0.1, stepSize: 3, gamma: 0 }),
      'INVALID_ARGUMENT',
      /gamma must be a finite number > 0/,
    );
  });
});
