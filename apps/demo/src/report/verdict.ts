// The verdict of one report row: steadygrad's figure against the Keras 3 reference's. The rule (issue #25):
// "agrees with Keras 3 within noise" when |difference| ≤ 2 standard errors of the difference (Welch, per-seed
// values on both sides) or, when one side has a single value, when it lies in the other side's 95% Student-t
// prediction interval (comparison.ts); otherwise the named difference of differences.ts with its explanation,
// or an unexplained difference said as such. Rows without a reference say why there is none.

import {
  type Comparison,
  exactComparison,
  predictionComparison,
  type SampleSummary,
  summarize,
  welchComparison,
} from './comparison.js';
import {
  type NamedDifference,
  NO_REFERENCE_REASONS,
  type NoReferenceReason,
  namedDifference,
  noReferenceReason,
} from './differences.js';
import type { Figure } from './figure.js';
import type { KerasReference } from './keras-reference.js';

/** The verdict text of a row that agrees. */
export const AGREES = 'agrees with Keras 3 within noise';

/** The verdict of one row. */
export type Verdict =
  | {
      readonly kind: 'agrees';
      readonly text: string;
      /** Absent where the row is judged through other rows (a derived figure) or both sides are non-finite. */
      readonly comparison?: Comparison;
    }
  | {
      readonly kind: 'differs';
      readonly text: string;
      readonly comparison: Comparison;
      /** The known difference it is; `undefined` when none of the table's matches (unexplained). */
      readonly difference: NamedDifference | undefined;
    }
  | { readonly kind: 'no-reference'; readonly text: string }
  | { readonly kind: 'missing'; readonly text: string }
  | { readonly kind: 'too-few-seeds'; readonly text: string }
  | { readonly kind: 'derived'; readonly text: string };

/** The tables a verdict draws its explanations from (default: differences.ts's). */
export interface VerdictTables {
  readonly differences?: readonly NamedDifference[];
  readonly noReference?: readonly NoReferenceReason[];
}

const signed = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(v).toPrecision(3)}`;

/**
 * The Keras side of a figure: the reference metric's finite per-seed values summarized (`undefined` when the
 * reference has no such metric or none of its values is finite).
 */
export function referenceSummary(
  reference: KerasReference | undefined,
  id: string,
): SampleSummary | undefined {
  const values = (reference?.metrics[id]?.values ?? []).filter(
    (v): v is number => v !== null && Number.isFinite(v),
  );
  return values.length > 0 ? summarize(values) : undefined;
}

/**
 * Judges one figure of `experiment` (run under `profile`) against `reference` (the experiment's Keras 3
 * reference for that profile, `undefined` when there is none).
 */
export function verdict(
  experiment: string,
  profile: string,
  figure: Figure,
  reference: KerasReference | undefined,
  tables: VerdictTables = {},
): Verdict {
  const ours = figure.steadygrad;
  if (ours === null && figure.nonFinite && reference?.metrics[figure.id] !== undefined) {
    return nonFiniteVerdict(experiment, profile, figure, reference, tables);
  }
  if (ours === null) {
    return {
      kind: 'missing',
      text: figure.missingReason ?? `not in this result (no '${figure.id}' figure in the experiment’s JSON)`,
    };
  }
  if (reference === undefined) {
    return {
      kind: 'no-reference',
      text: `no reference: ${noReferenceReason(experiment, profile, tables.noReference ?? NO_REFERENCE_REASONS)}`,
    };
  }
  const theirs = referenceSummary(reference, figure.id);
  if (theirs === undefined && reference.metrics[figure.id] !== undefined) {
    const overflow = namedDifference(experiment, figure.id, profile, tables.differences);
    if (overflow !== undefined) {
      // Keras has only NaN/∞ where steadygrad has a finite value: no noise to judge by, a known difference.
      return {
        kind: 'differs',
        text: `differs: ${overflow.name} (every Keras 3 value is non-finite; steadygrad ${ours.mean.toPrecision(4)})`,
        comparison: {
          method: 'exact',
          difference: Number.NaN,
          scale: 0,
          ratio: Number.POSITIVE_INFINITY,
          withinNoise: false,
        },
        difference: overflow,
      };
    }
    return { kind: 'no-reference', text: 'no reference: every Keras 3 value of this figure is non-finite' };
  }
  if (theirs === undefined) {
    return {
      kind: 'no-reference',
      text: `no reference: the Keras 3 reference (${reference.generatedBy ?? 'tooling/reference'}) has no '${figure.id}' figure`,
    };
  }
  if (figure.derivedFrom) {
    return {
      kind: 'derived',
      text: `derived from ${figure.derivedFrom.join(' and ')}: judged on those rows`,
    };
  }
  if (ours.meanOnly) {
    return {
      kind: 'too-few-seeds',
      text: `cannot judge: the result gives only the mean over its ${ours.n} seeds, not each seed’s value`,
    };
  }
  const known = namedDifference(experiment, figure.id, profile, tables.differences);
  if (!figure.exact && ours.n < 2 && theirs.n < 2) {
    return {
      kind: 'too-few-seeds',
      text: `cannot judge: 1 steadygrad value and 1 Keras value (needs ≥ 2 seeds on a side); difference ${signed(ours.mean - theirs.mean)}`,
    };
  }
  const comparison = figure.exact
    ? exactComparison(ours, theirs)
    : ours.n >= 2 && theirs.n >= 2
      ? welchComparison(ours, theirs)
      : predictionComparison(ours, theirs);
  const interval = (where: 'within' | 'outside') =>
    comparison.single === 'steadygrad'
      ? `1 steadygrad value ${where} the prediction interval of ${theirs.n} Keras seeds`
      : `1 Keras value ${where} the prediction interval of ${ours.n} steadygrad seeds`;
  if (comparison.withinNoise) {
    return {
      kind: 'agrees',
      text:
        comparison.method === 'exact'
          ? 'agrees with Keras 3 exactly'
          : comparison.method === 'prediction'
            ? `${AGREES} (${interval('within')})`
            : AGREES,
      comparison,
    };
  }
  const ratio = Number.isFinite(comparison.ratio) ? comparison.ratio.toFixed(1) : '∞';
  const size =
    comparison.method === 'exact'
      ? `steadygrad − Keras ${signed(comparison.difference)}`
      : comparison.method === 'welch'
        ? `steadygrad − Keras ${signed(comparison.difference)}, ${ratio} standard errors`
        : `steadygrad − Keras ${signed(comparison.difference)}, ${ratio} prediction standard deviations, ${interval('outside')}`;
  if (known) {
    return { kind: 'differs', text: `differs: ${known.name} (${size})`, comparison, difference: known };
  }
  return {
    kind: 'differs',
    text: `differs, unexplained (${size}; no entry in the report’s differences table)`,
    comparison,
    difference: undefined,
  };
}

/**
 * steadygrad's figure is not finite (the run diverged): it agrees when Keras 3's is not finite either — in every
 * seed, or in some of them (the row counts them; whether a run diverges is judged on its own row where the
 * experiment has one) — and differs when every Keras 3 seed gave a finite value.
 */
function nonFiniteVerdict(
  experiment: string,
  profile: string,
  figure: Figure,
  reference: KerasReference,
  tables: VerdictTables,
): Verdict {
  const values = reference.metrics[figure.id]?.values ?? [];
  const nonFinite = values.filter((v) => v === null || !Number.isFinite(v)).length;
  if (nonFinite === values.length && values.length > 0) {
    return {
      kind: 'agrees',
      text: `agrees with Keras 3: not finite in both (every one of the ${values.length} Keras 3 seeds too)`,
    };
  }
  if (nonFinite > 0) {
    return {
      kind: 'agrees',
      text: `agrees with Keras 3 within noise: not finite, as in ${nonFinite} of the ${values.length} Keras 3 seeds`,
    };
  }
  const known = namedDifference(experiment, figure.id, profile, tables.differences);
  const size = `steadygrad not finite, every one of the ${values.length} Keras 3 seeds finite`;
  const comparison: Comparison = {
    method: 'exact',
    difference: Number.NaN,
    scale: 0,
    ratio: Number.POSITIVE_INFINITY,
    withinNoise: false,
  };
  return known
    ? { kind: 'differs', text: `differs: ${known.name} (${size})`, comparison, difference: known }
    : {
        kind: 'differs',
        text: `differs, unexplained (${size}; no entry in the report’s differences table)`,
        comparison,
        difference: undefined,
      };
}

/**
 * A derived figure's verdict once the rows it is derived from are judged: it agrees when every one of them
 * agrees (it is computed from their means, so it has no spread of its own to judge by), and keeps its
 * "judged on those rows" verdict otherwise.
 */
export function derivedVerdict(
  own: Verdict,
  sources: readonly (Verdict | undefined)[],
  from: readonly string[],
): Verdict {
  if (own.kind !== 'derived' || sources.length === 0) return own;
  if (sources.every((v) => v?.kind === 'agrees')) {
    return { kind: 'agrees', text: `${AGREES} (derived from ${from.join(' and ')}, which agree)` };
  }
  return own;
}
