import { type RandomState, SteadygradError } from '@steadygrad/core';
import { isCount } from './callback-state.js';

/** Where a run is: the next step to run is `step` of epoch `epoch` (`step = 0`: the epoch has not begun). */
export interface RunPosition {
  readonly epoch: number;
  readonly step: number;
}

/** What must not change between the interrupted and the resumed run. */
export interface RunSignature {
  readonly seed: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly samples: number;
}

/**
 * The JSON part of a training checkpoint: which run it belongs to (model, optimizer and data signature), where
 * the run stood (epoch, step, RNG), and the callbacks' and optimizer's own state.
 */
export interface TrainingCheckpointMeta {
  readonly run: RunSignature;
  readonly position: RunPosition;
  /** Whether a callback had stopped training (`stopTraining`) when the checkpoint was taken. */
  readonly stopped: boolean;
  /** State of the epoch's layer random stream at `position` (null at an epoch boundary). */
  readonly layersRng: RandomState | null;
  /** The epoch's running loss/metric sums at `position` (null at an epoch boundary). */
  readonly accumulator: { readonly sums: number[]; readonly count: number } | null;
  readonly hasPenalty: boolean;
  /** The non-finite guard's `[badSteps, firstBadStep]`, null without a guard. */
  readonly guard: [number, number] | null;
  readonly parameters: readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly dtype?: string;
  }[];
  /** The model's layers (class and name), when the model lists them; absent in older checkpoints. */
  readonly model?: {
    readonly layers: readonly { readonly className: string; readonly name: string }[] | null;
  };
  /** What the optimizer is (`Optimizer.describe()`: transformation, hyperparameters, links), or null. */
  readonly optimizerDescriptor?: unknown;
  readonly optimizer: unknown;
  readonly callbacks: readonly {
    readonly stateName: string;
    readonly meta: unknown;
    readonly tensors: readonly string[];
  }[];
  readonly history: { readonly epoch: number[]; readonly history: Record<string, number[]> };
}

/**
 * The semantic check of a checkpoint's training metadata, run before anything is restored. A checkpoint
 * whose checksums are right can still be wrong (edited and re-hashed, written by another version, by a bug):
 * every field must have its type and lie in its range, and the fields must agree with each other and with the
 * run being resumed. Problems of the file itself are `CORRUPT_DATA`; a well-formed checkpoint that belongs to
 * another run (epochs already past `fit({ epochs })`) is `INCOMPATIBLE`.
 *
 * - run: `seed` an integer in [0, 2^32), `batchSize` >= 1, `shuffle` boolean, `samples` >= 1;
 * - position: `epoch` >= 0 and at most `fit({ epochs })`, `step` in [0, steps per epoch);
 * - mid-epoch (`step > 0`): the layer random stream (4 uint32 words, not all zero) and the running sums
 *   (numbers; `count` in [0, samples]) are present; at an epoch boundary both are null;
 * - `guard`: null or `[badSteps >= 0, firstBadStep >= 0 or Infinity]`; `stopped`, `hasPenalty` booleans;
 * - parameters: `{ name, shape, dtype? }` with unique names; callbacks: `{ stateName, tensors: string[] }`;
 * - history: `epoch` strictly increasing integers below the position's epoch; each series an array of
 *   numbers (NaN allowed: a key first seen late is padded) as long as `epoch`.
 */
export function checkTrainingMeta(
  file: string,
  m: unknown,
  run: RunSignature,
  epochs: number,
): TrainingCheckpointMeta {
  const problems: string[] = [];
  const bad = (what: string) => problems.push(what);
  const fail = () =>
    new SteadygradError(
      'CORRUPT_DATA',
      `checkpoint ${file}/checkpoint.json is corrupt: ${problems.slice(0, 4).join('; ')}${problems.length > 4 ? `; … (${problems.length} problems)` : ''}`,
      { details: { file, problems: [...problems] } },
    );
  const show = (v: unknown) => (JSON.stringify(v) ?? String(v)).slice(0, 60);
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    bad('the training metadata must be an object');
    throw fail();
  }
  const meta = m as Partial<Record<keyof TrainingCheckpointMeta, unknown>>;
  const obj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const r = meta.run;
  if (!obj(r)) bad(`run must be an object, got ${show(r)}`);
  else {
    if (!isCount(r.seed) || r.seed > 0xffffffff)
      bad(`run.seed must be an integer in [0, 2^32), got ${show(r.seed)}`);
    if (!isCount(r.batchSize, 1)) bad(`run.batchSize must be an integer >= 1, got ${show(r.batchSize)}`);
    if (typeof r.shuffle !== 'boolean') bad(`run.shuffle must be a boolean, got ${show(r.shuffle)}`);
    if (!isCount(r.samples, 1)) bad(`run.samples must be an integer >= 1, got ${show(r.samples)}`);
  }
  // The checkpoint's own run decides its step range (a run with other data is INCOMPATIBLE, checked later).
  const own = obj(r) && isCount(r.samples, 1) && isCount(r.batchSize, 1);
  const samples = own ? (r.samples as number) : run.samples;
  const batchSize = own ? (r.batchSize as number) : run.batchSize;
  const steps = Math.ceil(samples / batchSize);
  const p = meta.position;
  let step = 0;
  let epoch = 0;
  if (!obj(p) || !isCount(p.epoch) || !isCount(p.step)) {
    bad(`position must be { epoch, step } with integers >= 0, got ${show(p)}`);
  } else {
    step = p.step;
    epoch = p.epoch;
    if (step >= steps)
      bad(
        `position.step ${step} is past the data: an epoch of ${samples} samples in batches of ${batchSize} has ${steps} steps`,
      );
  }
  for (const k of ['stopped', 'hasPenalty'] as const) {
    if (typeof meta[k] !== 'boolean') bad(`${k} must be a boolean, got ${show(meta[k])}`);
  }
  const rng = meta.layersRng;
  if (step > 0) {
    if (
      !Array.isArray(rng) ||
      rng.length !== 4 ||
      !rng.every((w) => isCount(w) && w <= 0xffffffff) ||
      rng.every((w) => w === 0)
    )
      bad(`layersRng must be 4 uint32 words, not all zero, mid-epoch; got ${show(rng)}`);
  } else if (rng !== null) bad(`layersRng must be null at an epoch boundary, got ${show(rng)}`);
  const acc = meta.accumulator;
  if (step > 0) {
    if (
      !obj(acc) ||
      !Array.isArray(acc.sums) ||
      !acc.sums.every((v) => typeof v === 'number') ||
      !isCount(acc.count) ||
      acc.count > samples
    )
      bad(
        `accumulator must be { sums: numbers, count: integer in [0, ${samples}] } mid-epoch, got ${show(acc)}`,
      );
  } else if (acc !== null) bad(`accumulator must be null at an epoch boundary, got ${show(acc)}`);
  const g = meta.guard;
  if (
    !(
      g === null ||
      (Array.isArray(g) &&
        g.length === 2 &&
        isCount(g[0]) &&
        (g[1] === Number.POSITIVE_INFINITY || isCount(g[1])))
    )
  )
    bad(`guard must be null or [badSteps, firstBadStep], got ${show(g)}`);
  const params = meta.parameters;
  if (
    !Array.isArray(params) ||
    !params.every(
      (q) =>
        obj(q) &&
        typeof q.name === 'string' &&
        Array.isArray(q.shape) &&
        q.shape.length <= 8 &&
        q.shape.every((d) => isCount(d)) &&
        (q.dtype === undefined || q.dtype === 'float32' || q.dtype === 'int32'),
    ) ||
    new Set(params.map((q) => (q as { name: string }).name)).size !== params.length
  )
    bad('parameters must be a list of { name, shape, dtype } with unique names');
  const callbacks = meta.callbacks;
  if (
    !Array.isArray(callbacks) ||
    !callbacks.every(
      (c) =>
        obj(c) &&
        typeof c.stateName === 'string' &&
        Array.isArray(c.tensors) &&
        c.tensors.every((t) => typeof t === 'string'),
    )
  )
    bad('callbacks must be a list of { stateName, meta, tensors: names }');
  const h = meta.history;
  if (!obj(h) || !Array.isArray(h.epoch) || !obj(h.history))
    bad(`history must be { epoch: [], history: {} }, got ${show(h)}`);
  else {
    const e = h.epoch as unknown[];
    if (!e.every((v, i) => isCount(v) && v < epoch && (i === 0 || v > (e[i - 1] as number))))
      bad(`history.epoch must be increasing epoch numbers below ${epoch}, got ${show(e)}`);
    for (const [k, series] of Object.entries(h.history)) {
      if (!Array.isArray(series) || series.length !== e.length || !series.every((v) => typeof v === 'number'))
        bad(`history '${k}' must be ${e.length} numbers (one per epoch), got ${show(series)}`);
    }
  }
  if (problems.length > 0) throw fail();
  if (epoch > epochs || (epoch === epochs && step > 0)) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `checkpoint ${file} does not fit this run: it is at epoch ${epoch}${step > 0 ? `, step ${step}` : ''}, past fit({ epochs: ${epochs} }); resume with epochs >= ${epoch + (step > 0 ? 1 : 0)}`,
      { details: { file, epoch, step, epochs } },
    );
  }
  return meta as TrainingCheckpointMeta;
}
