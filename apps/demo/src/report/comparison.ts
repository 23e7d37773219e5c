// How the report measures a difference between steadygrad and Keras 3 against the noise of the seeds:
// - both sides have ≥ 2 per-seed values: Welch (stats.ts), |difference| ≤ 2 standard errors of the difference;
// - one side has a single value x, the other n ≥ 2 (mean m, sample std s): the 95% prediction interval for one
//   more seed, |x − m| ≤ t·s·√(1 + 1/n) with t Student's two-sided 95% quantile for n − 1 degrees of freedom
//   (4.30 for 3 seeds, 2.26 for 10): s from a few seeds is itself uncertain, so a fixed 2 would call noise a
//   difference (e.g. deep-stats: one steadygrad batch against 10 Keras seeds; optimizers' quick profile: one
//   steadygrad seed against 3 Keras seeds).
import {
  type SampleSummary,
  seedStats,
  studentQuantile,
  type WelchTest,
  welchTestOfSummaries,
} from '../stats.js';

export type { SampleSummary } from '../stats.js';

/** Summarizes per-seed values (mean, sample std, n) — stats.ts's {@link seedStats} without the values. */
export function summarize(values: readonly number[]): SampleSummary {
  const { mean, std } = seedStats(values);
  return { mean, std, n: values.length };
}

/** A difference between steadygrad and Keras 3 in units of the noise it is judged against. */
export interface Comparison {
  /** `'welch'`: both sides over seeds; `'prediction'`: one value against several seeds; `'exact'`: equality. */
  readonly method: 'welch' | 'prediction' | 'exact';
  /** steadygrad − Keras 3. */
  readonly difference: number;
  /**
   * The noise unit: the standard error of the difference (Welch), the multi-seed side's prediction standard
   * deviation `s·√(1 + 1/n)` (prediction), 0 (exact).
   */
  readonly scale: number;
  /** `|difference| / scale` (Infinity when the scale is 0 and the difference not; 0 when both are). */
  readonly ratio: number;
  /** `|difference| ≤ 2·scale` (for `'exact'`: the difference is 0). */
  readonly withinNoise: boolean;
  /** The bound on `ratio` that counts as within noise: 2, or Student's 95% quantile (prediction only). */
  readonly limit?: number;
  /** The side with the single value (prediction only). */
  readonly single?: 'steadygrad' | 'keras';
  /** The Student-t degrees of freedom of `limit` and `ratio`, n − 1 of the multi-seed side (prediction only). */
  readonly df?: number;
  /** Welch's test, b = steadygrad against a = Keras (welch only). */
  readonly welch?: WelchTest;
}

function judged(
  difference: number,
  scale: number,
  limit = 2,
): Pick<Comparison, 'difference' | 'scale' | 'ratio' | 'withinNoise'> {
  const ratio = scale > 0 ? Math.abs(difference) / scale : difference === 0 ? 0 : Infinity;
  return { difference, scale, ratio, withinNoise: Math.abs(difference) <= limit * scale };
}

/** Welch's comparison of steadygrad's per-seed figures with Keras 3's (both n ≥ 2 to mean anything). */
export function welchComparison(steadygrad: SampleSummary, keras: SampleSummary): Comparison {
  const w = welchTestOfSummaries(keras, steadygrad);
  return { method: 'welch', ...judged(w.difference, w.standardError), welch: w };
}

/**
 * One side's single value against the other side's n ≥ 2 seeds: within noise when it lies in the 95%
 * prediction interval of one more seed, |x − m| ≤ t₀.₉₇₅,ₙ₋₁·s·√(1 + 1/n) (`limit` in the result's terms: the
 * ratio is in units of s·√(1 + 1/n)).
 *
 * @throws RangeError unless exactly one side has n = 1 and the other n ≥ 2 (a programming error).
 */
export function predictionComparison(steadygrad: SampleSummary, keras: SampleSummary): Comparison {
  const single =
    steadygrad.n === 1 && keras.n >= 2
      ? 'steadygrad'
      : keras.n === 1 && steadygrad.n >= 2
        ? 'keras'
        : undefined;
  if (single === undefined) {
    throw new RangeError(
      `a prediction interval needs one value against ≥ 2, got ${steadygrad.n} and ${keras.n}`,
    );
  }
  const sample = single === 'steadygrad' ? keras : steadygrad;
  const scale = sample.std * Math.sqrt(1 + 1 / sample.n);
  const df = sample.n - 1;
  const limit = studentQuantile(0.05, df);
  return { method: 'prediction', ...judged(steadygrad.mean - keras.mean, scale, limit), single, limit, df };
}

/** An exact figure (a parameter count): equal or not. */
export function exactComparison(steadygrad: SampleSummary, keras: SampleSummary): Comparison {
  const difference = steadygrad.mean - keras.mean;
  return {
    method: 'exact',
    difference,
    scale: 0,
    ratio: difference === 0 ? 0 : Infinity,
    withinNoise: difference === 0,
  };
}
