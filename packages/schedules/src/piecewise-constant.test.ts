import { describe, expect, it } from 'vitest';
import { piecewiseConstant } from './piecewise-constant.js';
import { expectError } from './test-utils/expect-error.js';

// Keras 3 PiecewiseConstantDecay.__call__: a sum of indicator · value terms, written out in float64.
function keras(boundaries: number[], values: number[], t: number): number {
  let r = 0;
  r += (t <= boundaries[0]! ? 1 : 0) * values[0]!;
  r += (t > boundaries[boundaries.length - 1]! ? 1 : 0) * values[values.length - 1]!;
  for (let i = 0; i + 1 < boundaries.length; i++) {
    r += (t > boundaries[i]! && t <= boundaries[i + 1]! ? 1 : 0) * values[i + 1]!;
  }
  return r;
}

describe('piecewiseConstant (Keras PiecewiseConstantDecay)', () => {
  it.each([
    [
      [100_000, 110_000],
      [1, 0.5, 0.1],
    ],
    [
      [5, 15],
      [0.01, 0.005, 0.001],
    ],
    [
      [0, 1, 2.5, 40],
      [0.4, 0.3, 0.2, 0.1, 0.05],
    ],
    [[7], [0.2, 0.02]],
  ])('boundaries %j, values %j: every step incl. exactly at and around each boundary', (b, v) => {
    const f = piecewiseConstant({ boundaries: b, values: v });
    const steps = Array.from({ length: 60 }, (_, i) => i).concat(
      b.flatMap((x) => [x - 1e-9, x, x + 1e-9, x + 0.5]).filter((x) => x >= 0),
    );
    for (const t of steps) expect(f(t), `step ${t}`).toBe(keras(b, v, t));
  });

  it('keeps the left value AT a boundary (step == boundary), switches right after', () => {
    const f = piecewiseConstant({ boundaries: [5, 15], values: [0.01, 0.005, 0.001] });
    expect([0, 5, 6, 15, 16, 1e9].map(f)).toEqual([0.01, 0.01, 0.005, 0.005, 0.001, 0.001]);
  });

  it("reproduces the seed's piecewise_constant_fn(epoch) (cell 27) with boundaries [4, 14] for integer epochs", () => {
    const seed = (epoch: number) => (epoch < 5 ? 0.01 : epoch < 15 ? 0.005 : 0.001);
    const f = piecewiseConstant({ boundaries: [4, 14], values: [0.01, 0.005, 0.001] });
    for (let e = 0; e < 30; e++) expect(f(e)).toBe(seed(e));
  });

  it('with no boundaries is a constant', () => {
    expect(piecewiseConstant({ boundaries: [], values: [0.3] })(12)).toBe(0.3);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => piecewiseConstant({ boundaries: [5, 15], values: [1, 2] }),
      'INVALID_ARGUMENT',
      /values must have one more entry than boundaries \(2 boundaries need 3 values\), got 2 values/,
    );
    expectError(
      () => piecewiseConstant({ boundaries: [5, 5], values: [1, 2, 3] }),
      'INVALID_ARGUMENT',
      /boundaries must be strictly increasing, got boundaries\[0\] = 5 and boundaries\[1\] = 5/,
    );
    expectError(
      () => piecewiseConstant({ boundaries: [10, 5], values: [1, 2, 3] }),
      'INVALID_ARGUMENT',
      /boundaries must be strictly increasing/,
    );
    expectError(
      () => piecewiseConstant({ boundaries: [5], values: [1, -2] }),
      'INVALID_ARGUMENT',
      /values\[1\] must be a finite number >= 0, got -2/,
    );
    expectError(
      () => piecewiseConstant({ boundaries: 5 as unknown as number[], values: [1, 2] }),
      'INVALID_ARGUMENT',
      /boundaries must be an array of numbers/,
    );
  });
});
