// The report's unit: one figure of one experiment (a test accuracy, a parameter count, ...), read from the
// experiment's JSON result, with the per-seed values when the result has them. Results are read as plain JSON
// (`unknown`) and defensively: the report must still be written when an experiment's result changes shape, and
// then says which figure it could not find instead of failing.
import type { SampleSummary } from './comparison.js';

/** How a figure is written in the report. */
export type FigureFormat = 'accuracy' | 'number' | 'integer' | 'boolean';

/** steadygrad's side of a figure: summary over seeds, and the per-seed values when known. */
export interface FigureValue extends SampleSummary {
  readonly values?: readonly number[];
  /** The result gives only the mean over `n` seeds (no per-seed values, `std` NaN): it cannot be judged. */
  readonly meanOnly?: boolean;
}

/** A published figure (Géron's notebook or book) with what qualifies it (epochs, one seed, ...). */
export interface PublishedFigure {
  readonly value: number;
  readonly note?: string;
}

/** One figure of an experiment. */
export interface Figure {
  /** The metric id, as in tooling/reference/README.md (the key of a Keras reference's `metrics`). */
  readonly id: string;
  /** What the figure is, for the table. */
  readonly label: string;
  readonly format: FigureFormat;
  /** steadygrad's value; `null` when the result does not carry it. */
  readonly steadygrad: FigureValue | null;
  readonly published?: PublishedFigure;
  /**
   * A deterministic figure (a parameter count, a bit-identity check): compared for equality, not with
   * standard errors.
   */
  readonly exact?: boolean;
  /**
   * A figure computed from other rows' means (e.g. the error rate transfer removes): it has no spread of its
   * own, so it is judged through those rows.
   */
  readonly derivedFrom?: readonly string[];
  /** Why `steadygrad` is `null` when the result does carry the field (e.g. `null`: not finite). */
  readonly missingReason?: string;
  /** The result carries the field as `null`: the value was not finite (the run diverged or overflowed). */
  readonly nonFinite?: boolean;
}

/** `obj[k1][k2]...` of a JSON value, `undefined` where a step is missing. */
export function at(obj: unknown, ...path: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

/** An array of JSON values (empty when `v` is not an array). */
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The element of `items` whose `key` is `value`. */
export function find(items: unknown, key: string, value: string): unknown {
  return list(items).find((x) => at(x, key) === value);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function fromValues(values: readonly number[]): FigureValue {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n, values: [...values] };
}

/**
 * Reads a figure from a JSON value: a number (one seed), a boolean (1 or 0), an array of numbers (per-seed
 * values), a `SeedStats` (`{ mean, std, values }`) or `{ mean, std }` with the per-seed values given apart
 * (`perSeed`). `null` when it is none of these.
 */
export function figureValue(v: unknown, perSeed?: unknown): FigureValue | null {
  if (isNumber(v)) return { mean: v, std: 0, n: 1, values: [v] };
  if (typeof v === 'boolean') return { mean: v ? 1 : 0, std: 0, n: 1, values: [v ? 1 : 0] };
  if (Array.isArray(v)) {
    return v.length > 0 && v.every(isNumber) ? fromValues(v) : null;
  }
  const values = at(v, 'values');
  if (Array.isArray(values) && values.length > 0 && values.every(isNumber)) return fromValues(values);
  const seeds = list(perSeed).filter(isNumber);
  if (seeds.length > 0) return fromValues(seeds);
  const mean = at(v, 'mean');
  const std = at(v, 'std');
  if (isNumber(mean)) return { mean, std: isNumber(std) ? std : 0, n: 1 };
  return null;
}

/** Per-seed values of `field` in a list of `{ seed, <field> }` records (e.g. optimizers' `seeds`). */
export function perSeed(records: unknown, field: string): readonly unknown[] {
  return list(records).map((r) => at(r, field));
}

/**
 * The last element of an array of numbers: `null` when it is `null` (a non-finite value written to JSON),
 * `undefined` when there is none.
 */
export function last(v: unknown): number | null | undefined {
  const a = list(v);
  const x = a[a.length - 1];
  return x === null ? null : isNumber(x) ? x : undefined;
}

/** A published figure from a number (`undefined` for anything else). */
export function published(value: unknown, note?: string): PublishedFigure | undefined {
  if (!isNumber(value)) return undefined;
  return note === undefined ? { value } : { value, note };
}
