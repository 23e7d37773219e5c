import { describe, expect, it } from 'vitest';
import { polynomialDecay } from './polynomial-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

// Keras 3 PolynomialDecay.__call__, written out in float64.
function keras(lr0: number, s: number, end: number, power: number, cycle: boolean, t: number): number {
  let step = t;
  let decaySteps = s;
  if (cycle) {
    const multiplier = step === 0 ? 1 : Math.ceil(step / s);
    decaySteps = decaySteps * multiplier;
  } else {
    step = Math.min(step, decaySteps);
  }
  const p = step / decaySteps;
  return (lr0 - end) * (1 - p) ** power + end;
}

describe('polynomialDecay (Keras PolynomialDecay)', () => {
  const steps = Array.from({ length: 400 }, (_, i) => i * 0.75);

  it.each([
    [0.1, 100, 1e-4, 1, false],
    [0.1, 100, 0.01, 0.5, false],
    [1, 37, 0, 2, true],
    [0.5, 25, 0.05, 3, true],
    [0.02, 10, 0.1, 1, false],
  ])('lr0 %f, decaySteps %f, end %f, power %f, cycle %s', (lr0, s, end, power, cycle) => {
    const f = polynomialDecay({
      initialLearningRate: lr0,
      decaySteps: s,
      endLearningRate: end,
      power,
      cycle,
    });
    expectAllClose(
      valuesOf(f, steps),
      steps.map((t) => keras(lr0, s, end, power, cycle, t)),
    );
  });

  it('reaches the end rate at decaySteps and (with cycle) restarts right after each multiple', () => {
    const f = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0.1 });
    expect(f(0)).toBe(1);
    expect(f(10)).toBeCloseTo(0.1, 15);
    expect(f(1000)).toBeCloseTo(0.1, 15);
    const g = polynomialDecay({ initialLearningRate: 1, decaySteps: 10, endLearningRate: 0, cycle: true });
    expect(g(10)).toBe(0);
    expect(g(11)).toBeCloseTo(1 - 11 / 20, 15);
    expect(g(20)).toBe(0);
  });

  it('defaults to Keras: endLearningRate 1e-4, power 1, no cycle', () => {
    const f = polynomialDecay({ initialLearningRate: 0.1, decaySteps: 4 });
    expect(f(2)).toBeCloseTo((0.1 - 1e-4) / 2 + 1e-4, 15);
    expect(f(4)).toBeCloseTo(1e-4, 15);
  });

  it.each(torchFixtures.polynomial.map((c) => [c.options.total_iters, c.options.power, c]))(
    'endLearningRate 0 reproduces torch PolynomialLR(total_iters %i, power %f)',
    (_n, _p, c) => {
      const f = polynomialDecay({
        initialLearningRate: c.options.lr,
        decaySteps: c.options.total_iters,
        power: c.options.power,
        endLearningRate: 0,
      });
      expectAllClose(valuesOf(f, c.lr.length), c.lr);
    },
  );

  it('rejects invalid arguments', () => {
    expectError(
      () => polynomialDecay({ initialLearningRate: 0.1, decaySteps: 0 }),
      'INVALID_ARGUMENT',
      /decaySteps must be a finite number > 0, got 0/,
    );
    expectError(
      () => polynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, endLearningRate: -1 }),
      'INVALID_ARGUMENT',
      /endLearningRate must be a finite number >= 0/,
    );
    expectError(
      () => polynomialDecay({ initialLearningRate: 0.1, decaySteps: 5, power: -2 }),
      'INVALID_ARGUMENT',
      /power must be/,
    );
  });
});
