import {
  optionKeys,
  type Parameter,
  type RandomState,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import {
  type CheckpointFile,
  type HostTensor,
  readCheckpoint,
  type WriteCheckpointOptions,
  writeCheckpoint,
} from '#checkpoint-io';
import { isStatefulCallback, type StatefulCallback } from './callback-state.js';
import type { History } from './callbacks.js';

/** `fit({ checkpoint })`. */
export interface CheckpointOptions {
  /** Directory of the checkpoints (created if needed); see `writeCheckpoint` for the layout. */
  readonly dir: string;
  /**
   * `'epoch'` (default): after every epoch (after its callbacks). A number `k`: also every `k` optimizer steps
   * (counted from the start of training), in the middle of an epoch. The end of an epoch is always saved.
   */
  readonly every?: 'epoch' | number;
  /** Generations kept on disk (the newest included). Default 2. */
  readonly keep?: number;
  /** Test hook, awaited before a written checkpoint is renamed into place (see `writeCheckpoint`). */
  readonly beforeCommit?: WriteCheckpointOptions['beforeCommit'];
}

export const CHECKPOINT_KEYS = optionKeys<CheckpointOptions>()(['dir', 'every', 'keep', 'beforeCommit']);

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
  readonly parameters: readonly { readonly name: string; readonly shape: readonly number[] }[];
  readonly optimizer: unknown;
  readonly callbacks: readonly {
    readonly stateName: string;
    readonly meta: unknown;
    readonly tensors: readonly string[];
  }[];
  readonly history: { readonly epoch: number[]; readonly history: Record<string, number[]> };
}

export interface TrainingState {
  readonly parameters: readonly Parameter[];
  readonly optimizer: unknown;
  readonly callbacks: readonly unknown[];
  readonly history: History;
}

interface OptimizerWithState {
  getState(): { tensors: Record<string, Tensor>; meta: unknown };
  setState(s: { tensors: Record<string, Tensor>; meta: unknown }): void;
}

function optimizerWithState(o: unknown): OptimizerWithState | undefined {
  const x = o as Partial<OptimizerWithState> | undefined;
  return typeof x?.getState === 'function' && typeof x.setState === 'function'
    ? (x as OptimizerWithState)
    : undefined;
}

async function toHost(t: Tensor): Promise<HostTensor> {
  if (t.dtype !== 'float32' && t.dtype !== 'int32') {
    throw new SteadygradError(
      'DTYPE_MISMATCH',
      `checkpoints hold float32 and int32 tensors, got a ${t.dtype} tensor of shape [${t.shape}]`,
    );
  }
  const data = (await t.data()) as Float32Array | Int32Array;
  const copy = t.dtype === 'float32' ? new Float32Array(data) : new Int32Array(data);
  return { dtype: t.dtype, shape: [...t.shape], data: copy };
}

function statefulCallbacks(callbacks: readonly unknown[]): StatefulCallback[] {
  return callbacks.filter(isStatefulCallback);
}

/**
 * Captures the training state (weights of every parameter, optimizer state, callback states, position,
 * random stream, running sums, history) and writes it as a new checkpoint generation.
 */
export async function saveTrainingCheckpoint(
  options: CheckpointOptions,
  state: TrainingState,
  run: Omit<TrainingCheckpointMeta, 'parameters' | 'optimizer' | 'callbacks' | 'history'>,
): Promise<string> {
  const tensors = new Map<string, HostTensor>();
  const parameters = state.parameters.map((p) => ({ name: p.name, shape: [...p.shape] }));
  for (const p of state.parameters) tensors.set(`param/${p.name}`, await toHost(p.variable));
  let optimizerMeta: unknown = null;
  const opt = optimizerWithState(state.optimizer);
  if (opt !== undefined) {
    const s = opt.getState();
    try {
      for (const [k, t] of Object.entries(s.tensors)) tensors.set(`optimizer/${k}`, await toHost(t));
    } finally {
      tf.dispose(Object.values(s.tensors));
    }
    optimizerMeta = s.meta;
  }
  const callbacks: TrainingCheckpointMeta['callbacks'][number][] = [];
  for (const [i, c] of statefulCallbacks(state.callbacks).entries()) {
    const s = c.getState();
    const names: string[] = [];
    try {
      for (const [k, t] of Object.entries(s.tensors ?? {})) {
        tensors.set(`callback/${i}/${k}`, await toHost(t));
        names.push(k);
      }
    } finally {
      tf.dispose(Object.values(s.tensors ?? {}));
    }
    callbacks.push({ stateName: c.stateName, meta: s.meta, tensors: names });
  }
  const meta: TrainingCheckpointMeta = {
    ...run,
    parameters,
    optimizer: optimizerMeta,
    callbacks,
    history: { epoch: [...state.history.epoch], history: structuredClone(state.history.history) },
  };
  return writeCheckpoint(options.dir, meta, tensors, {
    ...(options.keep === undefined ? {} : { keep: options.keep }),
    ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
  });
}

function incompatible(file: string, what: string): SteadygradError {
  return new SteadygradError('INCOMPATIBLE', `checkpoint ${file} does not fit this run: ${what}`, {
    details: { file },
  });
}

function corruptMeta(file: string, what: string): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', `checkpoint ${file}/checkpoint.json is corrupt: ${what}`, {
    details: { file },
  });
}

/** A checkpoint read and checked against a run, ready to be applied. */
export interface LoadedCheckpoint {
  readonly file: CheckpointFile;
  readonly meta: TrainingCheckpointMeta;
  /** Writes weights and optimizer state (all-or-nothing); callbacks come later (after `onTrainBegin`). */
  applyModelAndOptimizer(): void;
  /** Restores the stateful callbacks' states and the history. */
  applyCallbacks(): void;
}

function checkMeta(file: string, m: unknown): TrainingCheckpointMeta {
  const meta = m as Partial<TrainingCheckpointMeta> | null;
  const ok =
    typeof meta === 'object' &&
    meta !== null &&
    typeof meta.run === 'object' &&
    meta.run !== null &&
    typeof meta.position === 'object' &&
    meta.position !== null &&
    Number.isInteger(meta.position.epoch) &&
    meta.position.epoch >= 0 &&
    Number.isInteger(meta.position.step) &&
    meta.position.step >= 0 &&
    typeof meta.stopped === 'boolean' &&
    typeof meta.hasPenalty === 'boolean' &&
    Array.isArray(meta.parameters) &&
    Array.isArray(meta.callbacks) &&
    typeof meta.history === 'object' &&
    meta.history !== null &&
    Array.isArray(meta.history.epoch) &&
    typeof meta.history.history === 'object' &&
    (meta.layersRng === null ||
      (Array.isArray(meta.layersRng) &&
        meta.layersRng.length === 4 &&
        meta.layersRng.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff))) &&
    (meta.accumulator === null ||
      (typeof meta.accumulator === 'object' &&
        meta.accumulator !== null &&
        Array.isArray(meta.accumulator.sums) &&
        meta.accumulator.sums.every((v) => typeof v === 'number') &&
        Number.isInteger(meta.accumulator.count))) &&
    (meta.guard === null ||
      (Array.isArray(meta.guard) &&
        meta.guard.length === 2 &&
        meta.guard.every((v) => typeof v === 'number')));
  if (!ok)
    throw corruptMeta(
      file,
      'the training metadata (run, position, parameters, callbacks, history, ...) is malformed',
    );
  return meta as TrainingCheckpointMeta;
}

/**
 * Reads the latest checkpoint in `dir` and checks it against the run (same seed, batch size, shuffling and
 * number of samples; the same parameter names and shapes; the same stateful callbacks in the same order;
 * an optimizer that can restore state). Nothing is changed until `apply*` is called.
 */
export async function loadTrainingCheckpoint(
  dir: string,
  state: TrainingState,
  run: RunSignature,
): Promise<LoadedCheckpoint> {
  const file = await readCheckpoint(dir);
  const where = file.path;
  const meta = checkMeta(where, file.meta);
  const diffs: string[] = [];
  for (const key of ['seed', 'batchSize', 'shuffle', 'samples'] as const) {
    if (meta.run[key] !== run[key])
      diffs.push(
        `${key} ${JSON.stringify(meta.run[key])} in the checkpoint, ${JSON.stringify(run[key])} now`,
      );
  }
  if (diffs.length > 0)
    throw incompatible(where, `resuming needs the same data and fit options: ${diffs.join('; ')}`);
  const params = state.parameters;
  const names = params.map((p) => p.name);
  const saved = meta.parameters.map((p) => p?.name);
  if (saved.length !== names.length || saved.some((n, i) => n !== names[i])) {
    throw incompatible(
      where,
      `it holds parameters [${saved.join(', ')}], the model has [${names.join(', ')}]`,
    );
  }
  const weights = new Map<Parameter, HostTensor>();
  for (const p of params) {
    const t = file.tensors.get(`param/${p.name}`);
    if (t === undefined) throw corruptMeta(where, `the weights of '${p.name}' are missing from tensors.bin`);
    if (!tf.util.arraysEqual([...t.shape], [...p.shape])) {
      throw incompatible(
        where,
        `parameter '${p.name}' has shape [${t.shape}] in the checkpoint, [${p.shape}] in the model`,
      );
    }
    if (t.dtype !== p.variable.dtype) {
      throw incompatible(
        where,
        `parameter '${p.name}' is ${t.dtype} in the checkpoint, ${p.variable.dtype} in the model`,
      );
    }
    weights.set(p, t);
  }
  const opt = optimizerWithState(state.optimizer);
  if (meta.optimizer !== null && opt === undefined) {
    throw incompatible(
      where,
      "it holds an optimizer state but the optimizer has no setState (use @steadygrad/optim's Optimizer)",
    );
  }
  const stateful = statefulCallbacks(state.callbacks);
  const savedNames = meta.callbacks.map((c) => c?.stateName);
  if (savedNames.length !== stateful.length || stateful.some((c, i) => c.stateName !== savedNames[i])) {
    throw incompatible(
      where,
      `it holds the states of the callbacks [${savedNames.join(', ')}], this fit has the stateful callbacks [${stateful.map((c) => c.stateName).join(', ')}]; pass the same callbacks in the same order`,
    );
  }
  for (const [i, c] of meta.callbacks.entries()) {
    if (!Array.isArray(c.tensors) || c.tensors.some((k) => !file.tensors.has(`callback/${i}/${k}`))) {
      throw corruptMeta(where, `a tensor of callback ${i} (${c.stateName}) is missing from tensors.bin`);
    }
  }
  const prefixed = (prefix: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const [k, t] of file.tensors) {
      if (k.startsWith(prefix)) out[k.slice(prefix.length)] = tf.tensor(t.data, [...t.shape], t.dtype);
    }
    return out;
  };
  return {
    file,
    meta,
    applyModelAndOptimizer() {
      if (opt !== undefined && meta.optimizer !== null) {
        const tensors = prefixed('optimizer/');
        try {
          opt.setState({ tensors, meta: meta.optimizer });
        } catch (e) {
          if (e instanceof SteadygradError && e.code === 'CORRUPT_DATA') {
            throw corruptMeta(where, `the optimizer state is invalid: ${e.message}`);
          }
          throw e;
        } finally {
          tf.dispose(Object.values(tensors));
        }
      }
      for (const [p, t] of weights) {
        const v = tf.tensor(t.data, [...t.shape], t.dtype);
        try {
          p.assign(v);
        } finally {
          v.dispose();
        }
      }
    },
    applyCallbacks() {
      for (const [i, c] of stateful.entries()) {
        const saved = meta.callbacks[i]!;
        const tensors = prefixed(`callback/${i}/`);
        try {
          c.setState({ meta: saved.meta, tensors });
        } finally {
          tf.dispose(Object.values(tensors));
        }
      }
      const h = state.history;
      h.epoch.length = 0;
      h.epoch.push(...meta.history.epoch);
      for (const k of Object.keys(h.history)) delete h.history[k];
      for (const [k, v] of Object.entries(meta.history.history)) h.history[k] = [...v];
    },
  };
}
