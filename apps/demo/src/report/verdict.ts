// The verdict of one report row: steadygrad's figure against the Keras 3 reference's. The rule (issue #25):
// "agrees with Keras 3 within noise" when |difference| ≤ 2 standard errors of the difference (Welch, per-seed
// values on both sides); otherwise the named difference of differences.ts with its explanation, or an
// unexplained difference said as such. Rows without a reference say why there is none.
import {
  type NamedDifference,
  NO_REFERENCE_REASONS,
  type NoReferenceReason,
  namedDifference,
  noReferenceReason,
} from './differences.js';
import type { Figure } from './figure.js';
import type { KerasReference } from './keras-reference.js';
import { type SampleSummary, summarize, type WelchComparison, welch } from './welch.js';

/** The verdict text of a row that agrees. */
export const AGREES = 'agrees with Keras 3 within noise';

/** The verdict of one row. */
export type Verdict =
  | { readonly kind: 'agrees'; readonly text: string; readonly comparison: WelchComparison }
  | {
      readonly kind: 'differs';
      readonly text: string;
      readonly comparison: WelchComparison;
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
  const comparison = welch(ours, theirs);
  const known = namedDifference(experiment, figure.id, profile, tables.differences);
  if (!figure.exact && (ours.n < 2 || theirs.n < 2)) {
    return {
      kind: 'too-few-seeds',
      text: `cannot judge: ${ours.n} steadygrad seed${ours.n === 1 ? '' : 's'} and ${theirs.n} Keras seed${theirs.n === 1 ? '' : 's'} (needs ≥ 2 on both sides); difference ${signed(comparison.difference)}`,
    };
  }
  const agrees = figure.exact ? comparison.difference === 0 : comparison.withinTwoStandardErrors;
  if (agrees) {
    return { kind: 'agrees', text: figure.exact ? 'agrees with Keras 3 exactly' : AGREES, comparison };
  }
  const size = figure.exact
    ? `steadygrad − Keras ${signed(comparison.difference)}`
    : `steadygrad − Keras ${signed(comparison.difference)}, ${Math.abs(comparison.t).toFixed(1)} standard errors`;
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
