import { optionKeys, type Parameter, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { descriptorDifferences, formatDescriptor, type TransformDescriptor } from '@steadygrad/optim';
import {
  type CheckpointFile,
  type HostTensor,
  readCheckpoint,
  type WriteCheckpointOptions,
  writeCheckpoint,
} from '#checkpoint-io';
import { isStatefulCallback, type StatefulCallback } from './callback-state.js';
import type { History } from './callbacks.js';
import { checkTrainingMeta, type RunSignature, type TrainingCheckpointMeta } from './checkpoint-meta.js';

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

export interface TrainingState {
  readonly parameters: readonly Parameter[];
  /** The model's layers, recorded (class and name) and compared on resume when given. */
  readonly layers?: readonly { readonly className?: string; readonly name?: string }[] | undefined;
  readonly optimizer: unknown;
  readonly callbacks: readonly unknown[];
  readonly history: History;
}

type TensorSpecs = Readonly<Record<string, { readonly shape: readonly number[]; readonly dtype: string }>>;

interface OptimizerWithState {
  getState(): { tensors: Record<string, Tensor>; meta: unknown };
  setState(s: { tensors: Record<string, Tensor>; meta: unknown }, params?: readonly Parameter[]): void;
  checkState?(s: { meta: unknown; tensors: TensorSpecs }, params?: readonly Parameter[]): void;
  describe?(): unknown;
}

function layersOf(state: TrainingState): { className: string; name: string }[] | null {
  if (!Array.isArray(state.layers)) return null;
  return state.layers.map((l) => ({
    className: String(l?.className ?? 'unknown'),
    name: String(l?.name ?? ''),
  }));
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
  const parameters = state.parameters.map((p) => ({
    name: p.name,
    shape: [...p.shape],
    dtype: p.variable.dtype,
  }));
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
    model: { layers: layersOf(state) },
    optimizerDescriptor: opt?.describe?.() ?? null,
    optimizer: optimizerMeta,
    callbacks,
    history: { epoch: [...state.history.epoch], history: structuredClone(state.history.history) },
  };
  return writeCheckpoint(options.dir, meta, tensors, {
    ...(options.keep === undefined ? {} : { keep: options.keep }),
    ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
  });
}

function isDescriptor(d: unknown): d is TransformDescriptor {
  return typeof d === 'object' && d !== null && typeof (d as TransformDescriptor).name === 'string';
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

const WEIGHTS_ONLY =
  'To keep only the weights, start a new run from them: await loadCheckpointWeights(dir, model) before fit (without resumeFrom).';

/**
 * Reads the latest checkpoint in `dir` and checks everything against the run before anything changes:
 * the metadata's types and ranges (`checkTrainingMeta`), the run (same seed, batch size, shuffling, number of
 * samples; epochs not already past), the model (layer classes, parameter names, shapes and dtypes), the
 * optimizer (its descriptor — transformation and hyperparameters — and its state's structure, via
 * `checkState`), and each stateful callback's state (`checkState`; the same callbacks in the same order).
 * A mismatch is `INCOMPATIBLE` saying what differs and how to proceed. Nothing is changed until `apply*`.
 */
export async function loadTrainingCheckpoint(
  dir: string,
  state: TrainingState,
  run: RunSignature,
  epochs = Number.POSITIVE_INFINITY,
): Promise<LoadedCheckpoint> {
  const file = await readCheckpoint(dir);
  const where = file.path;
  const meta = checkTrainingMeta(where, file.meta, run, epochs);
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
  const savedLayers = meta.model?.layers;
  const liveLayers = layersOf(state);
  if (Array.isArray(savedLayers) && liveLayers !== null) {
    const show = (ls: readonly { className: string; name: string }[]) =>
      ls.map((l) => `${l.className} '${l.name}'`).join(', ');
    const same =
      savedLayers.length === liveLayers.length &&
      savedLayers.every(
        (l, i) => l?.className === liveLayers[i]!.className && l?.name === liveLayers[i]!.name,
      );
    if (!same)
      throw incompatible(
        where,
        `it was written for the layers [${show(savedLayers)}], the model has [${show(liveLayers)}]`,
      );
  }
  const names = params.map((p) => p.name);
  const saved = meta.parameters.map((p) => p.name);
  if (saved.length !== names.length || saved.some((n, i) => n !== names[i])) {
    throw incompatible(
      where,
      `it holds parameters [${saved.join(', ')}], the model has [${names.join(', ')}]`,
    );
  }
  const weights = new Map<Parameter, HostTensor>();
  for (const [i, p] of params.entries()) {
    const t = file.tensors.get(`param/${p.name}`);
    if (t === undefined) throw corruptMeta(where, `the weights of '${p.name}' are missing from tensors.bin`);
    const declared = meta.parameters[i]!;
    if (!tf.util.arraysEqual([...t.shape], [...declared.shape]) || (declared.dtype ?? t.dtype) !== t.dtype)
      throw corruptMeta(
        where,
        `parameter '${p.name}' is listed as [${declared.shape}] but stored as ${t.dtype} [${t.shape}]`,
      );
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
  const liveDescriptor = opt?.describe?.();
  const savedDescriptor = meta.optimizerDescriptor;
  if (isDescriptor(savedDescriptor) && isDescriptor(liveDescriptor)) {
    const differences = descriptorDifferences(savedDescriptor, liveDescriptor);
    if (differences.length > 0) {
      throw incompatible(
        where,
        `it was written by the optimizer ${formatDescriptor(savedDescriptor)}, this fit's optimizer is ${formatDescriptor(liveDescriptor)} (${differences.slice(0, 4).join('; ')}). Resume with the same optimizer and hyperparameters. ${WEIGHTS_ONLY}`,
      );
    }
  }
  const specs = (prefix: string): TensorSpecs => {
    const out: Record<string, HostTensor> = {};
    for (const [k, t] of file.tensors) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = t;
    return out;
  };
  if (opt !== undefined && meta.optimizer !== null && typeof opt.checkState === 'function') {
    try {
      opt.checkState({ meta: meta.optimizer, tensors: specs('optimizer/') }, params);
    } catch (e) {
      if (e instanceof SteadygradError && e.code === 'INCOMPATIBLE')
        throw incompatible(where, `${e.message} ${WEIGHTS_ONLY}`);
      if (e instanceof SteadygradError) throw corruptMeta(where, e.message);
      throw e;
    }
  }
  const stateful = statefulCallbacks(state.callbacks);
  const savedNames = meta.callbacks.map((c) => c.stateName);
  if (savedNames.length !== stateful.length || stateful.some((c, i) => c.stateName !== savedNames[i])) {
    throw incompatible(
      where,
      `it holds the states of the callbacks [${savedNames.join(', ')}], this fit has the stateful callbacks [${stateful.map((c) => c.stateName).join(', ')}]; pass the same callbacks in the same order`,
    );
  }
  for (const [i, c] of meta.callbacks.entries()) {
    if (c.tensors.some((k) => !file.tensors.has(`callback/${i}/${k}`))) {
      throw corruptMeta(where, `a tensor of callback ${i} (${c.stateName}) is missing from tensors.bin`);
    }
    const callback = stateful[i]!;
    if (typeof callback.checkState !== 'function') continue;
    try {
      callback.checkState({ meta: c.meta, tensors: specs(`callback/${i}/`) }, { parameters: params });
    } catch (e) {
      if (e instanceof SteadygradError && e.code === 'INCOMPATIBLE') throw incompatible(where, e.message);
      if (e instanceof SteadygradError) throw corruptMeta(where, e.message);
      throw e;
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
          opt.setState({ tensors, meta: meta.optimizer }, params);
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
