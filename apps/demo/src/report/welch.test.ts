import { describe, expect, it } from 'vitest';
import { summarize, welch } from './welch.js';

describe('welch', () => {
  it('matches a hand computation on small samples', () => {
    // a = [1, 2, 3]: mean 2, s 1; b = [2, 4, 6]: mean 4, s 2. SE = sqrt(1/3 + 4/3) = sqrt(5/3).
    const a = summarize([1, 2, 3]);
    const b = summarize([2, 4, 6]);
    expect(a).toEqual({ mean: 2, std: 1, n: 3 });
    expect(b).toEqual({ mean: 4, std: 2, n: 3 });
    const w = welch(a, b);
    expect(w.difference).toBe(-2);
    expect(w.standardError).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(w.t).toBeCloseTo(-2 / Math.sqrt(5 / 3), 12);
    // df = (5/3)² / ((1/3)²/2 + (4/3)²/2) = 50/17.
    expect(w.df).toBeCloseTo(50 / 17, 12);
    expect(w.withinTwoStandardErrors).toBe(true); // 2 ≤ 2.582
  });

  it('the issue’s cell 5 gap is 5.9 standard errors: not within noise', () => {
    // steadygrad 0.8800 ± 0.0027 vs Keras 0.8726 ± 0.0015, 6 seeds each (issue #25).
    const w = welch({ mean: 0.88, std: 0.0027, n: 6 }, { mean: 0.8726, std: 0.0015, n: 6 });
    // SE = sqrt(0.0027²/6 + 0.0015²/6) = sqrt(1.215e-6 + 3.75e-7) = sqrt(1.59e-6) = 0.00126095.
    expect(w.standardError).toBeCloseTo(0.00126095, 7);
    expect(w.difference).toBeCloseTo(0.0074, 12);
    expect(w.t).toBeCloseTo(5.8686, 3);
    expect(w.df).toBeCloseTo(7.818, 2);
    expect(w.withinTwoStandardErrors).toBe(false);
  });

  it('the boundary |d| = 2 SE counts as within; identical single values give t 0', () => {
    // a: mean 1, s 0, n 1; b: mean 0, s 1, n 4 → SE = 0.5, d = 1 = 2 SE.
    expect(welch({ mean: 1, std: 0, n: 1 }, { mean: 0, std: 1, n: 4 }).withinTwoStandardErrors).toBe(true);
    expect(welch({ mean: 1.01, std: 0, n: 1 }, { mean: 0, std: 1, n: 4 }).withinTwoStandardErrors).toBe(
      false,
    );
    const same = welch({ mean: 3, std: 0, n: 1 }, { mean: 3, std: 0, n: 1 });
    expect(same).toMatchObject({ difference: 0, standardError: 0, t: 0, withinTwoStandardErrors: true });
    expect(Number.isNaN(same.df)).toBe(true);
    expect(welch({ mean: 3, std: 0, n: 1 }, { mean: 2, std: 0, n: 1 }).t).toBe(Infinity);
  });
});
