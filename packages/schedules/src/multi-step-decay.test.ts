import { describe, expect, it } from 'vitest';
import { multiStepDecay } from './multi-step-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

describe('multiStepDecay (PyTorch MultiStepLR)', () => {
  it.each(torchFixtures.multiStep.map((c) => [c.options.milestones, c.options.gamma, c]))(
    'milestones %j, gamma %f: matches torch',
    (_m, _g, c) => {
      const f = multiStepDecay({
        initialLearningRate: c.options.lr,
        milestones: c.options.milestones,
        gamma: c.options.gamma,
      });
      expectAllClose(valuesOf(f, c.lr.length), c.lr);
    },
  );

  it('decays AT each milestone', () => {
    const f = multiStepDecay({ initialLearningRate: 1, milestones: [5, 15], gamma: 0.5 });
    expect([0, 4.9, 5, 14, 15, 100].map(f)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => multiStepDecay({ initialLearningRate: 0.1, milestones: [5, 3] }),
      'INVALID_ARGUMENT',
      /milestones must be strictly increasing/,
    );
    expectError(
      () => multiStepDecay({ initialLearningRate: 0.1, milestones: [-1] }),
      'INVALID_ARGUMENT',
      /milestones\[0\] must be a finite number >= 0/,
    );
    expectError(
      () => multiStepDecay({ initialLearningRate: 0.1, milestones: [1], gamma: -1 }),
      'INVALID_ARGUMENT',
      /gamma must be/,
    );
  });
});
