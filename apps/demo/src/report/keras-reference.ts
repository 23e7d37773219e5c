// The Keras 3 reference figures the report compares with: `tooling/reference/keras/<experiment>.<profile>.json`,
// written by the Python scripts of tooling/reference (format in its README). Read and checked here; the report
// only needs `metrics[id].values` (one per seed), `curves` for the plots, and the versions/machine it names.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SteadygradError } from '@steadygrad/core';

/** One figure of a reference: a value per seed (`null` where it was not finite, e.g. an overflow). */
export interface ReferenceMetric {
  readonly values: readonly (number | null)[];
  readonly seeds?: readonly number[];
  readonly description?: string;
}

/** A per-epoch (or per-step) series of a reference, mean over its seeds (`null` where not finite). */
export interface ReferenceCurve {
  readonly x: readonly number[];
  readonly series: Readonly<Record<string, readonly (number | null)[]>>;
}

/** A Keras 3 reference file. */
export interface KerasReference {
  readonly experiment: string;
  readonly profile: string;
  readonly generatedBy?: string;
  readonly generated?: string;
  readonly versions?: Readonly<Record<string, string>>;
  readonly machine?: Readonly<Record<string, string | number>>;
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly metrics: Readonly<Record<string, ReferenceMetric>>;
  readonly curves?: Readonly<Record<string, ReferenceCurve>>;
}

const numbers = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const numbersOrNulls = (v: unknown): v is (number | null)[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null);

/**
 * Checks a parsed reference file: `experiment` and `profile` strings, `metrics` an object of
 * `{ values: (number | null)[] }` (non-empty), `curves` (when present) of
 * `{ x: number[], series: { label: (number | null)[] } }`.
 *
 * @throws SteadygradError `CORRUPT_DATA` naming the file and the first field that is wrong.
 */
export function checkKerasReference(data: unknown, file: string): KerasReference {
  const bad = (what: string) =>
    new SteadygradError('CORRUPT_DATA', `Keras reference ${file}: ${what}`, { details: { file } });
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw bad('not a JSON object');
  const d = data as Record<string, unknown>;
  if (typeof d.experiment !== 'string') throw bad("'experiment' must be a string");
  if (typeof d.profile !== 'string') throw bad("'profile' must be a string");
  const metrics = d.metrics;
  if (metrics === null || typeof metrics !== 'object' || Array.isArray(metrics)) {
    throw bad("'metrics' must be an object");
  }
  for (const [id, m] of Object.entries(metrics as Record<string, unknown>)) {
    const values = (m as { values?: unknown } | null)?.values;
    if (!numbersOrNulls(values) || values.length === 0) {
      throw bad(`metrics['${id}'].values must be a non-empty array of numbers (or nulls)`);
    }
  }
  if (d.curves !== undefined) {
    if (d.curves === null || typeof d.curves !== 'object') throw bad("'curves' must be an object");
    for (const [id, c] of Object.entries(d.curves as Record<string, unknown>)) {
      const curve = c as { x?: unknown; series?: unknown } | null;
      if (!numbers(curve?.x)) throw bad(`curves['${id}'].x must be an array of numbers`);
      if (curve?.series === null || typeof curve?.series !== 'object') {
        throw bad(`curves['${id}'].series must be an object`);
      }
      for (const [label, s] of Object.entries(curve.series as Record<string, unknown>)) {
        if (!numbersOrNulls(s)) {
          throw bad(`curves['${id}'].series['${label}'] must be an array of numbers (or nulls)`);
        }
      }
    }
  }
  return data as KerasReference;
}

/** The reference file's path for an experiment and profile under `dir` (tooling/reference/keras). */
export function kerasReferencePath(dir: string, experiment: string, profile: string): string {
  return join(dir, `${experiment}.${profile}.json`);
}

/**
 * Reads and checks the Keras 3 reference of `experiment` under `profile` from `dir`; `undefined` when there is
 * no such file.
 *
 * @throws SteadygradError `CORRUPT_DATA` for a file that is not valid JSON of the reference format, or whose
 *   experiment/profile are not the ones its name says.
 */
export async function readKerasReference(
  dir: string,
  experiment: string,
  profile: string,
): Promise<KerasReference | undefined> {
  const file = kerasReferencePath(dir, experiment, profile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined;
    throw new SteadygradError('IO_ERROR', `cannot read Keras reference ${file}: ${(e as Error).message}`, {
      details: { file },
      cause: e,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `Keras reference ${file} is not valid JSON: ${(e as Error).message}`,
      {
        details: { file },
        cause: e,
      },
    );
  }
  const ref = checkKerasReference(data, file);
  if (ref.experiment !== experiment || ref.profile !== profile) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `Keras reference ${file} says experiment '${ref.experiment}', profile '${ref.profile}'; expected '${experiment}', '${profile}'`,
      { details: { file } },
    );
  }
  return ref;
}
