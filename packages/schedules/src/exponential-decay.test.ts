import { describe, expect, it } from 'vitest';
import { exponentialDecay } from './exponential-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

// Keras 3 ExponentialDecay.__call__, written out in float64.
function keras(lr0: number, s: number, r: number, staircase: boolean, t: number): number {
  let p = t / s;
  if (staircase) p = Math.floor(p);
  return lr0 * r ** p;
}

describe('exponentialDecay (Keras ExponentialDecay)', () => {
  const steps = Array.from({ length: 250 }, (_, i) => i * 3).concat([0.25, 19.999, 20, 20.001]);

  it.each([
    [0.01, 20, 0.1, false],
    [0.1, 1000, 0.96, true],
    [1e-5, 10, 10, false],
    [0.5, 7, 0.5, true],
  ])('lr0 %f, decaySteps %f, decayRate %f, staircase %s', (lr0, s, r, staircase) => {
    const f = exponentialDecay({ initialLearningRate: lr0, decaySteps: s, decayRate: r, staircase });
    expectAllClose(
      valuesOf(f, steps),
      steps.map((t) => keras(lr0, s, r, staircase, t)),
    );
  });

  it("is the seed's exponential_decay_fn(epoch) = 0.01 · 0.1^(epoch / 20) (cell 22)", () => {
    const f = exponentialDecay({ initialLearningRate: 0.01, decaySteps: 20, decayRate: 0.1 });
    expect(f(20)).toBeCloseTo(0.001, 15);
    expect(f(40)).toBeCloseTo(0.0001, 15);
  });

  it.each(torchFixtures.exponential.map((c) => [c.options.lr, c.options.gamma, c]))(
    'decaySteps 1 reproduces torch ExponentialLR(lr %f, gamma %f)',
    (_lr, _gamma, c) => {
      const f = exponentialDecay({
        initialLearningRate: c.options.lr,
        decaySteps: 1,
        decayRate: c.options.gamma,
      });
      expectAllClose(valuesOf(f, c.lr.length), c.lr);
    },
  );

  it('rejects invalid arguments', () => {
    const ok = { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 };
    expectError(
      () => exponentialDecay({ ...ok, decayRate: 0 }),
      'INVALID_ARGUMENT',
      /decayRate must be a finite number > 0, got 0/,
    );
    expectError(() => exponentialDecay({ ...ok, decayRate: -0.5 }), 'INVALID_ARGUMENT', /decayRate must be/);
    expectError(
      () => exponentialDecay({ ...ok, decaySteps: -1 }),
      'INVALID_ARGUMENT',
      /decaySteps must be a finite number > 0/,
    );
    expectError(
      () => exponentialDecay(ok)(-2),
      'INVALID_ARGUMENT',
      /step must be a finite number >= 0, got -2/,
    );
  });
});
