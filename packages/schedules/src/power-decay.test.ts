import { describe, expect, it } from 'vitest';
import { inverseTimeDecay } from './inverse-time-decay.js';
import { powerDecay } from './power-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';

describe('powerDecay (power scheduling, lr0 / (1 + t/s)^c)', () => {
  const steps = Array.from({ length: 200 }, (_, i) => i * 13.5);

  it.each([
    [0.01, 20, 1],
    [0.1, 100, 0.5],
    [1, 3, 2.5],
  ])('lr0 %f, s %f, c %f matches the closed form', (lr0, s, c) => {
    const f = powerDecay({ initialLearningRate: lr0, steps: s, power: c });
    expectAllClose(
      valuesOf(f, steps),
      steps.map((t) => lr0 * (1 + t / s) ** -c),
    );
  });

  it('halves after s steps with c = 1 and equals inverseTimeDecay with decayRate 1', () => {
    const f = powerDecay({ initialLearningRate: 0.01, steps: 20 });
    expect(f(20)).toBeCloseTo(0.005, 15);
    const g = inverseTimeDecay({ initialLearningRate: 0.01, decaySteps: 20, decayRate: 1 });
    expectAllClose(valuesOf(f, steps), valuesOf(g, steps));
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => powerDecay({ initialLearningRate: 0.1, steps: 0 }),
      'INVALID_ARGUMENT',
      /steps must be a finite number > 0, got 0/,
    );
    expectError(
      () => powerDecay({ initialLearningRate: 0.1, steps: 1, power: -1 }),
      'INVALID_ARGUMENT',
      /power must be a finite number >= 0/,
    );
  });
});
