import { describe, expect, it } from 'vitest';
import { studentQuantile } from '../stats.js';
import { predictionComparison, welchComparison } from './comparison.js';
import { comparisonP, familyWise, holmRejected } from './family-wise.js';

describe('family-wise view of the verdicts', () => {
  it("Holm's step-down: p(k) ≤ α/(N − k + 1) in ascending order, stopping at the first that is not", () => {
    // sorted 0.005 ≤ 0.05/4, 0.01 ≤ 0.05/3, 0.03 > 0.05/2: the first two only, in the input's order.
    expect(holmRejected([0.01, 0.04, 0.03, 0.005])).toEqual([true, false, false, true]);
    expect(holmRejected([0.02, 0.02])).toEqual([true, true]); // 0.02 ≤ 0.05/2, then 0.02 ≤ 0.05/1
    expect(holmRejected([0.06, 0.02])).toEqual([false, true]); // 0.02 ≤ 0.05/2; 0.06 > 0.05
    expect(holmRejected([])).toEqual([]);
  });

  it('p-values: Welch passes its own; a prediction interval’s ratio is Student-t with n − 1 df; exact has none', () => {
    const w = welchComparison({ mean: 2, std: 1, n: 3 }, { mean: 4, std: 2, n: 3 });
    expect(comparisonP(w)).toBe(w.welch?.p);
    // one value exactly at the 95% limit of 3 seeds (df 2): p = 0.05; at the mean: p = 1.
    const s = { mean: 0, std: 1, n: 3 };
    const atLimit = predictionComparison(
      { mean: studentQuantile(0.05, 2) * Math.sqrt(4 / 3), std: 0, n: 1 },
      s,
    );
    expect(comparisonP(atLimit)).toBeCloseTo(0.05, 6);
    expect(comparisonP(predictionComparison({ mean: 0, std: 0, n: 1 }, s))).toBeCloseTo(1, 12);
    expect(
      comparisonP({ method: 'exact', difference: 1, scale: 0, ratio: Infinity, withinNoise: false }),
    ).toBeUndefined();
  });

  it('counts the rows judged, those that differ, the chance expectation and what survives Holm', () => {
    const s = { mean: 0, std: 1, n: 3 };
    const one = (x: number) => predictionComparison({ mean: x, std: 0, n: 1 }, s);
    const rows = [
      { label: 'a', comparison: one(0.1), differs: false },
      { label: 'b', comparison: one(6), differs: true }, // 6/1.1547 = 5.2 prediction sd, df 2: p ≈ 0.035
      { label: 'c', comparison: one(60), differs: true }, // p ≈ 0.0004
      { label: 'd', comparison: one(-0.5), differs: false },
    ];
    const f = familyWise(rows);
    expect(f.judged).toBe(4);
    expect(f.differing).toBe(2);
    expect(f.expectedByChance).toBeCloseTo(0.2, 12);
    expect(f.differingRows.map((r) => r.label)).toEqual(['c', 'b']);
    expect(f.differingRows[1]?.p).toBeGreaterThan(0.03);
    expect(f.differingRows[1]?.p).toBeLessThan(0.04);
    // 0.0004 ≤ 0.05/4; 0.035 > 0.05/3: only c survives.
    expect(f.holmSignificant.map((r) => r.label)).toEqual(['c']);
  });
});
