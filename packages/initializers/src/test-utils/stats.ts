/**
 * Test helpers: exact moments of the distributions the initializers draw from, sample moments, and
 * tolerances derived from the sample size (a K-sigma band around the expectation of a sample mean).
 */

/** Number of standard errors every statistical assertion allows. Seeds are fixed, so tests are deterministic. */
export const K_SIGMA = 5;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** Standard normal density. */
export function phi(x: number): number {
  return Math.exp(-0.5 * x * x) / SQRT_2PI;
}

/** P(|Z| <= a) for a standard normal Z, by composite Simpson integration of the density (error < 1e-14). */
export function normalMass(a: number): number {
  const steps = 2000;
  const h = a / steps;
  let s = phi(0) + phi(a);
  for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * phi(i * h);
  return (2 * (s * h)) / 3;
}

/**
 * Even raw moments E[z^k] (k = 0, 2, 4, …) of a standard normal truncated to [-a, a], by the recursion
 * `E[z^k] = (k−1)·E[z^(k−2)] − 2·a^(k−1)·φ(a) / P(|Z| ≤ a)` (integration by parts).
 */
export function truncatedNormalMoment(k: number, a = 2): number {
  if (k === 0) return 1;
  return (k - 1) * truncatedNormalMoment(k - 2, a) - (2 * a ** (k - 1) * phi(a)) / normalMass(a);
}

/** Even raw moments of the zero-mean distributions we test, in units of their own parameter. */
export interface EvenMoments {
  readonly m2: number;
  readonly m4: number;
  readonly m8: number;
}

/** N(0, σ²): σ², 3σ⁴, 105σ⁸. */
export function normalMoments(sigma: number): EvenMoments {
  return { m2: sigma ** 2, m4: 3 * sigma ** 4, m8: 105 * sigma ** 8 };
}

/** U[−L, L]: L²/3, L⁴/5, L⁸/9. */
export function uniformMoments(limit: number): EvenMoments {
  return { m2: limit ** 2 / 3, m4: limit ** 4 / 5, m8: limit ** 8 / 9 };
}

/** N(0, σ²) truncated to ±2σ. */
export function truncatedMoments(sigma: number): EvenMoments {
  return {
    m2: truncatedNormalMoment(2) * sigma ** 2,
    m4: truncatedNormalMoment(4) * sigma ** 4,
    m8: truncatedNormalMoment(8) * sigma ** 8,
  };
}

/** Sample mean, raw 2nd and 4th moments (about 0) and max |x|, in float64. */
export interface SampleStats {
  readonly n: number;
  readonly mean: number;
  readonly m2: number;
  readonly m4: number;
  readonly maxAbs: number;
}

export function sampleStats(values: ArrayLike<number>): SampleStats {
  const n = values.length;
  let s1 = 0;
  let s2 = 0;
  let s4 = 0;
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    const x2 = x * x;
    s1 += x;
    s2 += x2;
    s4 += x2 * x2;
    maxAbs = Math.max(maxAbs, Math.abs(x));
  }
  return { n, mean: s1 / n, m2: s2 / n, m4: s4 / n, maxAbs };
}

/**
 * K-sigma tolerances for the sample moments of n i.i.d. zero-mean draws with the given exact moments:
 * the standard error of a sample mean of a quantity q is sqrt(Var(q)/n), so
 * mean: sqrt(m2/n); mean of x²: sqrt((m4 − m2²)/n); mean of x⁴: sqrt((m8 − m4²)/n).
 * (For a normal the second gives the familiar σ²·sqrt(2/n).)
 */
export function tolerances(exact: EvenMoments, n: number): { mean: number; m2: number; m4: number } {
  return {
    mean: K_SIGMA * Math.sqrt(exact.m2 / n),
    m2: K_SIGMA * Math.sqrt((exact.m4 - exact.m2 ** 2) / n),
    m4: K_SIGMA * Math.sqrt((exact.m8 - exact.m4 ** 2) / n),
  };
}
