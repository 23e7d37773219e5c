import { describe, expect, it } from 'vitest';
import {
  compareVariants,
  seedStats,
  studentQuantile,
  studentTwoSidedP,
  welchTest,
  welchTestOfSummaries,
} from './stats.js';

describe('seedStats', () => {
  it('mean and sample std (n − 1), 0 for one value', () => {
    const s = seedStats([0.8, 0.9]);
    expect(s.mean).toBeCloseTo(0.85, 12);
    expect(s.std).toBeCloseTo(Math.SQRT1_2 * 0.1, 12);
    expect(seedStats([0.7])).toEqual({ mean: 0.7, std: 0, values: [0.7] });
  });
});

describe('Student t two-sided p-values', () => {
  it('match the closed forms for 1, 2 and 4 degrees of freedom', () => {
    // df 1 is the Cauchy distribution: P(|T| > 1) = 1/2.
    expect(studentTwoSidedP(1, 1)).toBeCloseTo(0.5, 12);
    // df 2: P(|T| > t) = 1 − t / sqrt(2 + t²).
    expect(studentTwoSidedP(1, 2)).toBeCloseTo(1 - 1 / Math.sqrt(3), 12);
    // df 4: F(t) = 1/2 + (3/8)·u·(1 − t²/(12(1 + t²/4))), u = t/sqrt(1 + t²/4).
    const t = 3 / Math.sqrt(2 / 3);
    const u = t / Math.sqrt(1 + (t * t) / 4);
    const f = 0.5 + (3 / 8) * u * (1 - (t * t) / (12 * (1 + (t * t) / 4)));
    expect(studentTwoSidedP(t, 4)).toBeCloseTo(2 * (1 - f), 12);
    expect(studentTwoSidedP(0, 7)).toBeCloseTo(1, 12);
    // the 5% critical value of df 10 (tables: 2.228)
    expect(studentTwoSidedP(2.228138851986, 10)).toBeCloseTo(0.05, 9);
  });
});

describe('welchTest', () => {
  it('gives t, Welch–Satterthwaite df and p computed by hand', () => {
    // a: mean 2.5, s² 5/3; b: mean 5, s² 4 → se² = 5/12 + 4/3 = 7/4, t = 2.5 / sqrt(7/4),
    // df = (7/4)² / ((5/12)²/3 + (4/3)²/2) = 3.0625 / 0.946759… = 3.234719.
    const w = welchTest([1, 2, 3, 4], [3, 5, 7]);
    expect(w.difference).toBeCloseTo(2.5, 12);
    expect(w.standardError).toBeCloseTo(Math.sqrt(7 / 4), 12);
    expect(w.t).toBeCloseTo(2.5 / Math.sqrt(7 / 4), 12);
    expect(w.df).toBeCloseTo(3.0625 / (25 / 144 / 3 + 16 / 9 / 2), 12);
    expect(w.p).toBeCloseTo(0.14847134702688, 9); // scipy.stats.ttest_ind(..., equal_var=False)
    // Equal sizes and variances: df = 2(n − 1) = 4, t = 3 / sqrt(2/3).
    const e = welchTest([1, 2, 3], [4, 5, 6]);
    expect(e.df).toBeCloseTo(4, 12);
    expect(e.t).toBeCloseTo(3 / Math.sqrt(2 / 3), 12);
    expect(e.p).toBeCloseTo(0.021311641128757, 10);
  });

  it('from summaries: the same test (what the report has of a Keras reference)', () => {
    // a = [1, 2, 3, 4]: mean 2.5, s² 5/3; b = [3, 5, 7]: mean 5, s 2.
    const w = welchTestOfSummaries({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 }, { mean: 5, std: 2, n: 3 });
    const v = welchTest([1, 2, 3, 4], [3, 5, 7]);
    expect(w.difference).toBeCloseTo(v.difference, 12);
    expect(w.standardError).toBeCloseTo(v.standardError, 12);
    expect(w.t).toBeCloseTo(v.t as number, 12);
    expect(w.df).toBeCloseTo(v.df as number, 12);
    expect(w.p).toBeCloseTo(0.14847134702688, 9);
    expect(welchTestOfSummaries({ mean: 1, std: 0, n: 1 }, { mean: 0, std: 1, n: 4 })).toMatchObject({
      difference: -1,
      standardError: 0.5,
      t: null,
    });
  });

  it('has no t with fewer than 2 values on a side or no spread', () => {
    expect(welchTest([0.8], [0.9, 0.91])).toMatchObject({ t: null, df: null, p: null });
    const flat = welchTest([0.5, 0.5], [0.6, 0.6]);
    expect(flat).toMatchObject({ t: null, df: null, p: null, standardError: 0 });
    expect(flat.difference).toBeCloseTo(0.1, 12);
  });
});

describe('compareVariants', () => {
  it('states the difference, the test and whether it is significant at 5%', () => {
    const s = compareVariants(
      'test accuracy',
      { label: 'a', values: [1, 2, 3] },
      { label: 'b', values: [4, 5, 6] },
    );
    expect(s).toMatchObject({ a: 'a', b: 'b', figure: 'test accuracy', significant: true, difference: 3 });
    expect(s.statement).toBe(
      'b − a test accuracy: +3.0000 (Welch t = 3.67, df 4.0, p = 0.021): significant at the 5% level',
    );
    const n = compareVariants('x', { label: 'a', values: [1, 2, 3, 4] }, { label: 'b', values: [3, 5, 7] });
    expect(n.significant).toBe(false);
    expect(n.statement).toBe(
      'b − a x: +2.5000 (Welch t = 1.89, df 3.2, p = 0.148): not significant at the 5% level',
    );
    const one = compareVariants('x', { label: 'a', values: [0.9] }, { label: 'b', values: [0.8] });
    expect(one.significant).toBe(false);
    expect(one.statement).toBe('b − a x: -0.1000 (fewer than 2 seeds on a side: no significance test)');
  });
});

describe('studentQuantile', () => {
  it('is the two-sided 95% quantile of Student t (tables: df 1 12.7062, 2 4.3027, 4 2.7764, 9 2.2622, 1e6 1.9600)', () => {
    expect(studentQuantile(0.05, 1)).toBeCloseTo(12.706205, 4);
    expect(studentQuantile(0.05, 2)).toBeCloseTo(4.302653, 5);
    expect(studentQuantile(0.05, 4)).toBeCloseTo(2.776445, 5);
    expect(studentQuantile(0.05, 9)).toBeCloseTo(2.262157, 5);
    expect(studentQuantile(0.05, 1e6)).toBeCloseTo(1.959966, 4);
    expect(studentTwoSidedP(studentQuantile(0.01, 3), 3)).toBeCloseTo(0.01, 10);
  });
});
