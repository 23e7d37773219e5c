import { describe, expect, it } from 'vitest';
import { inverseTimeDecay } from './inverse-time-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';

// Keras 3 InverseTimeDecay.__call__, written out in float64.
function keras(lr0: number, s: number, k: number, staircase: boolean, t: number): number {
  let p = t / s;
  if (staircase) p = Math.floor(p);
  return lr0 / (1 + k * p);
}

describe('inverseTimeDecay (Keras InverseTimeDecay)', () => {
  const steps = Array.from({ length: 301 }, (_, i) => i * 7).concat([0.5, 13.25, 1e6]);

  it.each([
    [0.1, 1, 0.5, false],
    [0.01, 10_000, 1, false],
    [0.3, 20, 2, true],
    [1, 3.5, 0.1, true],
  ])('lr0 %f, decaySteps %f, decayRate %f, staircase %s', (lr0, s, k, staircase) => {
    const f = inverseTimeDecay({ initialLearningRate: lr0, decaySteps: s, decayRate: k, staircase });
    expectAllClose(
      valuesOf(f, steps),
      steps.map((t) => keras(lr0, s, k, staircase, t)),
    );
  });

  it("equals Keras 2's SGD(decay=1e-4) with decaySteps 1 (seed cell 21)", () => {
    const f = inverseTimeDecay({ initialLearningRate: 0.01, decaySteps: 1, decayRate: 1e-4 });
    expect(f(0)).toBe(0.01);
    expect(f(10_000)).toBeCloseTo(0.005, 15);
    expect(f(30_000)).toBeCloseTo(0.0025, 15);
  });

  it('steps at floor(t / s) with staircase', () => {
    const f = inverseTimeDecay({ initialLearningRate: 1, decaySteps: 10, decayRate: 1, staircase: true });
    expect([0, 9, 9.99, 10, 19, 20].map(f)).toEqual([1, 1, 1, 0.5, 0.5, 1 / 3]);
  });

  it('rejects invalid arguments', () => {
    const ok = { initialLearningRate: 0.1, decaySteps: 10, decayRate: 1 };
    expectError(
      () => inverseTimeDecay({ ...ok, decaySteps: 0 }),
      'INVALID_ARGUMENT',
      /decaySteps must be a finite number > 0, got 0/,
    );
    expectError(
      () => inverseTimeDecay({ ...ok, decayRate: -1 }),
      'INVALID_ARGUMENT',
      /decayRate must be a finite number >= 0/,
    );
    expectError(
      () => inverseTimeDecay({ ...ok, initialLearningRate: -0.1 }),
      'INVALID_ARGUMENT',
      /initialLearningRate must be/,
    );
  });
});
