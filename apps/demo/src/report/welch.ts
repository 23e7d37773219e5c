// Welch's comparison of two sets of per-seed figures (unequal variances): the difference of the means, its
// standard error and t, and the Welch–Satterthwaite degrees of freedom. The report's verdict rule is
// |difference| ≤ 2 standard errors of the difference.

/** Per-seed figures summarized: mean, sample standard deviation (n − 1) and how many seeds. */
export interface SampleSummary {
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  readonly std: number;
  readonly n: number;
}

/** What {@link welch} finds. */
export interface WelchComparison {
  /** `a.mean − b.mean`. */
  readonly difference: number;
  /** `sqrt(a.std²/a.n + b.std²/b.n)`. */
  readonly standardError: number;
  /** `difference / standardError` (±Infinity when the error is 0 and the means differ, 0 when both are 0). */
  readonly t: number;
  /** Welch–Satterthwaite degrees of freedom (NaN when both variances are 0). */
  readonly df: number;
  /** `|difference| ≤ 2 · standardError`. */
  readonly withinTwoStandardErrors: boolean;
}

/** Summarizes per-seed values (mean, sample std, n). */
export function summarize(values: readonly number[]): SampleSummary {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

/** Welch's comparison of `a` against `b` (both need n ≥ 1; a single seed contributes no variance). */
export function welch(a: SampleSummary, b: SampleSummary): WelchComparison {
  const va = a.std ** 2 / a.n;
  const vb = b.std ** 2 / b.n;
  const difference = a.mean - b.mean;
  const standardError = Math.sqrt(va + vb);
  const t =
    standardError > 0 ? difference / standardError : difference === 0 ? 0 : Math.sign(difference) * Infinity;
  const denominator = (a.n > 1 ? va ** 2 / (a.n - 1) : 0) + (b.n > 1 ? vb ** 2 / (b.n - 1) : 0);
  const df = denominator > 0 ? (va + vb) ** 2 / denominator : Number.NaN;
  return {
    difference,
    standardError,
    t,
    df,
    withinTwoStandardErrors: Math.abs(difference) <= 2 * standardError,
  };
}
