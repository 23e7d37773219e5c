// The report judges ~100 rows, each at about the 5% level (2 standard errors, or a 95% prediction interval), so
// even two identical systems would show a few rows that "differ" by chance. This puts the rows that differ in
// that light: each noise-judged row's two-sided p-value, the number expected to differ by chance, and Holm's
// step-down correction (family-wise error rate 5%) over all of them.
import { studentTwoSidedP } from '../stats.js';
import type { Comparison } from './comparison.js';

/** The two-sided p-value of a noise-judged comparison (`undefined` for an exact one or without spread). */
export function comparisonP(c: Comparison): number | undefined {
  if (c.method === 'welch') return c.welch?.p ?? undefined;
  if (c.method === 'prediction' && c.df !== undefined && Number.isFinite(c.ratio)) {
    // ratio = |x − m| / (s·√(1 + 1/n)) is Student-t with n − 1 degrees of freedom (the comparison's df).
    return studentTwoSidedP(c.ratio, c.df);
  }
  return undefined;
}

/** Holm's step-down procedure: which of `p` are rejected at family-wise level `alpha` (same order as `p`). */
export function holmRejected(p: readonly number[], alpha = 0.05): boolean[] {
  const order = p.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const rejected = p.map(() => false);
  for (let k = 0; k < order.length; k++) {
    const [v, i] = order[k] as readonly [number, number];
    if (v > alpha / (order.length - k)) break;
    rejected[i] = true;
  }
  return rejected;
}

/** The family-wise view of a report's noise-judged rows. */
export interface FamilyWise {
  /** Rows judged by noise (Welch or a prediction interval) that have a p-value. */
  readonly judged: number;
  /** How many of them differ at their own 5% level. */
  readonly differing: number;
  /** Expected to differ by chance alone, 5% of `judged`. */
  readonly expectedByChance: number;
  /** Of the differing rows, those that Holm's correction still rejects at 5% family-wise. */
  readonly holmSignificant: readonly { readonly label: string; readonly p: number }[];
  /** Each differing row's label and p-value, smallest p first. */
  readonly differingRows: readonly { readonly label: string; readonly p: number }[];
}

/** The family-wise summary of `rows` (each a label, its comparison and whether it was judged to differ). */
export function familyWise(
  rows: readonly { readonly label: string; readonly comparison: Comparison; readonly differs: boolean }[],
): FamilyWise {
  const withP = rows.flatMap((r) => {
    const p = comparisonP(r.comparison);
    return p === undefined ? [] : [{ ...r, p }];
  });
  const rejected = holmRejected(withP.map((r) => r.p));
  const byP = (a: { p: number }, b: { p: number }) => a.p - b.p;
  return {
    judged: withP.length,
    differing: withP.filter((r) => r.differs).length,
    expectedByChance: 0.05 * withP.length,
    holmSignificant: withP
      .filter((_, i) => rejected[i])
      .map(({ label, p }) => ({ label, p }))
      .sort(byP),
    differingRows: withP
      .filter((r) => r.differs)
      .map(({ label, p }) => ({ label, p }))
      .sort(byP),
  };
}
