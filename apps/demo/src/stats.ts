/** Mean and sample standard deviation (n − 1; 0 for a single value) of per-seed figures, with the values. */
export interface SeedStats {
  readonly mean: number;
  readonly std: number;
  readonly values: readonly number[];
}

/** The summary every multi-seed experiment reports: `{ mean, std, values }`. */
export function seedStats(values: readonly number[]): SeedStats {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, values: [...values] };
}

/** Welch's two-sample t-test of two sets of per-seed figures (unequal variances). */
export interface WelchTest {
  /** `mean(b) − mean(a)`. */
  readonly difference: number;
  /** The standard error of the difference, `sqrt(sa²/na + sb²/nb)`. */
  readonly standardError: number;
  /** `difference / standardError`; `null` when it is undefined (fewer than 2 values on a side, or no spread). */
  readonly t: number | null;
  /** Welch–Satterthwaite degrees of freedom; `null` with `t`. */
  readonly df: number | null;
  /** Two-sided p-value; `null` with `t`. */
  readonly p: number | null;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), for 0 ≤ x ≤ 1 and a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** Two-sided p-value of Student's t distribution with `df` (> 0, not necessarily whole) degrees of freedom. */
export function studentTwoSidedP(t: number, df: number): number {
  return incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/**
 * The two-sided `1 − alpha` quantile of Student's t distribution with `df` degrees of freedom: the `t` with
 * `studentTwoSidedP(t, df) = alpha` (bisection to 1e-12; e.g. df 2 → 4.3027, df 9 → 2.2622 at alpha 0.05).
 */
export function studentQuantile(alpha: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTwoSidedP(hi, df) > alpha) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTwoSidedP(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Per-seed figures summarized for {@link welchTestOfSummaries}: mean, sample std (n − 1) and count. */
export interface SampleSummary {
  readonly mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  readonly std: number;
  readonly n: number;
}

/**
 * {@link welchTest} from the two sides' summaries (what the report has of a Keras 3 reference): `b` against
 * `a`, the same arithmetic; `t`, `df` and `p` are `null` with fewer than 2 values on a side or no spread.
 */
export function welchTestOfSummaries(a: SampleSummary, b: SampleSummary): WelchTest {
  const difference = b.mean - a.mean;
  const va = a.std ** 2 / a.n;
  const vb = b.std ** 2 / b.n;
  const standardError = Math.sqrt(va + vb);
  if (a.n < 2 || b.n < 2 || standardError === 0) {
    return { difference, standardError, t: null, df: null, p: null };
  }
  const t = difference / standardError;
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  return { difference, standardError, t, df, p: studentTwoSidedP(t, df) };
}

/**
 * Welch's t-test of `b` against `a` (per-seed figures of two variants): the difference of the means, its
 * standard error, t, the Welch–Satterthwaite degrees of freedom and the two-sided p-value.
 */
export function welchTest(a: readonly number[], b: readonly number[]): WelchTest {
  const sa = seedStats(a);
  const sb = seedStats(b);
  return welchTestOfSummaries({ ...sa, n: a.length }, { ...sb, n: b.length });
}

/** A comparison of two variants' per-seed figures, with its Welch test and a sentence saying what it means. */
export interface Significance extends WelchTest {
  /** The variants compared: `b` − `a`. */
  readonly a: string;
  readonly b: string;
  /** The figure compared (e.g. `'test accuracy'`). */
  readonly figure: string;
  /** p < 0.05 (false when the test is undefined). */
  readonly significant: boolean;
  readonly statement: string;
}

/**
 * Compares the per-seed figures of two variants with {@link welchTest} and says it in words, e.g.
 * `B-on-A − scratch test accuracy: +0.0123 (Welch t = 2.31, df 17.2, p = 0.034): significant at the 5% level`.
 */
export function compareVariants(
  figure: string,
  a: { readonly label: string; readonly values: readonly number[] },
  b: { readonly label: string; readonly values: readonly number[] },
): Significance {
  const w = welchTest(a.values, b.values);
  const diff = `${w.difference >= 0 ? '+' : ''}${w.difference.toFixed(4)}`;
  const head = `${b.label} − ${a.label} ${figure}: ${diff}`;
  let statement: string;
  let significant = false;
  if (w.t === null || w.df === null || w.p === null) {
    statement =
      a.values.length < 2 || b.values.length < 2
        ? `${head} (fewer than 2 seeds on a side: no significance test)`
        : `${head} (no spread over the seeds: no significance test)`;
  } else {
    significant = w.p < 0.05;
    const p = w.p < 0.001 ? 'p < 0.001' : `p = ${w.p.toFixed(3)}`;
    statement = `${head} (Welch t = ${w.t.toFixed(2)}, df ${w.df.toFixed(1)}, ${p}): ${
      significant ? 'significant at the 5% level' : 'not significant at the 5% level'
    }`;
  }
  return { a: a.label, b: b.label, figure, ...w, significant, statement };
}

/** The element-wise mean of per-seed curves (e.g. validation accuracy per epoch), as long as the shortest. */
export function meanCurve(curves: readonly (readonly number[])[]): number[] {
  if (curves.length === 0) return [];
  const length = Math.min(...curves.map((c) => c.length));
  return Array.from({ length }, (_, i) => curves.reduce((s, c) => s + (c[i] as number), 0) / curves.length);
}
