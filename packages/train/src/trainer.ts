import {
  type BatchSource,
  checkNumber,
  checkOptions,
  type GradientTransformation,
  optionKeys,
  type Parameter,
  RandomStream,
  registerGradients,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { type CallContext, checkPairings, type Shape } from '@steadygrad/nn';
import { Optimizer } from '@steadygrad/optim';
import { prepareCheckpointDir } from '#checkpoint-io';
import { ProgressBar, type ProgressStream } from '#progress-bar';
import {
  asSource,
  batchBounds,
  type DataLike,
  epochOrder,
  epochStreams,
  splitLast,
  stepsPerEpoch,
} from './batching.js';
import { type Callback, CallbackList, History, type Logs, type TrainingParams } from './callbacks.js';
import { checkFiniteInput, checkTargets, checkTargetsSync } from './check-data.js';
import {
  CHECKPOINT_KEYS,
  type CheckpointOptions,
  type LoadedCheckpoint,
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type TrainingState,
} from './checkpoint.js';
import type { RunSignature } from './checkpoint-meta.js';
import { DeviceAccumulator } from './device-accumulator.js';
import { getLoss, isLoss, type LossFunction, type LossKind, type LossLike } from './losses.js';
import { getMetric, type Metric, type MetricLike, resolveMetricName } from './metrics.js';
import { acquireModel, checkModelFree } from './model-lock.js';
import { checkNonFiniteMode, divergedError, NonFiniteGuard, type NonFiniteMode } from './non-finite-guard.js';
import { resolveVerbose } from './resolve-verbose.js';
import { variableGrads } from './variable-grads.js';

/**
 * What the trainer needs from a model (`@steadygrad/nn`'s `Sequential` has all of it). Trainable
 * parameters are read at every step, so freezing or unfreezing layers takes effect without recompiling.
 */
export interface TrainableModel {
  /** The forward pass (`training: true` during `fit`). */
  apply(x: Tensor, ctx?: Partial<CallContext>): Tensor;
  readonly trainableParameters: readonly Parameter[];
  /** Every parameter, trainable or not (batch-norm statistics): saved by checkpoints, guarded by `nonFinite`. */
  readonly parameters?: readonly Parameter[];
  /** The weight penalties, added to the loss at every step. */
  regularizationLosses(): Scalar[];
  /** Projects the constrained parameters, after every optimizer step. */
  applyConstraints(): void;
  readonly outputShape?: Shape | undefined;
  readonly built?: boolean;
  /** Builds the model for an input shape, when it is not built yet. */
  build?(inputShape?: Shape): void;
}

/**
 * What the trainer needs from an optimizer: `@steadygrad/optim`'s `Optimizer` (which `compile` builds from a
 * `GradientTransformation`), or anything with the same `step`.
 */
export interface OptimizerLike {
  /** Applies one update in place; `grads` are keyed by `Parameter.name` and are not disposed by `step`. */
  step(params: readonly Parameter[], grads: Readonly<Record<string, Tensor>>): void;
  readonly iterations?: number;
  /** The current learning rate, when the optimizer has one (recorded as `lr` in the logs). */
  readonly learningRate?: number | undefined;
  /** Used by the learning-rate callbacks (`Optimizer.setLearningRate`). */
  setLearningRate?(lr: number): void;
  /** Used by checkpoints and the non-finite guard (`Optimizer.getState` / `setState`). */
  getState?(): { tensors: Record<string, Tensor>; meta: unknown };
  /** Restores a state saved by `getState`. */
  setState?(state: { tensors: Record<string, Tensor>; meta: unknown }): void;
  /** Frees the optimizer state (called by `Trainer.dispose` when the trainer created the optimizer). */
  dispose?(): void;
}

/** Options of `compile`: the loss, the optimizer and the metrics. */
export interface CompileOptions {
  /** A Keras loss name (`'sparse_categorical_crossentropy'`, ...), a built-in loss or `(yTrue, yPred) => Scalar`. */
  readonly loss: LossLike;
  /** A gradient transformation (`sgd({ learningRate: 0.01 })`), wrapped in an `Optimizer`, or an `Optimizer`. */
  // biome-ignore lint/suspicious/noExplicitAny: a transformation of any state type is accepted
  readonly optimizer: GradientTransformation<any> | OptimizerLike;
  /** Metric names (`'accuracy'`, `'mae'`, ...) or metric objects. Default none. */
  readonly metrics?: readonly MetricLike[];
  /**
   * The chapter's pairing lessons (nn's `checkPairings`): SELU with a non-LeCun kernel initializer, or SELU with
   * plain `Dropout`, warns once per pair. `true` (default) warns through `console.warn`, a function receives the
   * messages, `false` silences them.
   */
  readonly pairingWarnings?: boolean | ((message: string) => void);
}

const COMPILE_KEYS = optionKeys<CompileOptions>()(['loss', 'optimizer', 'metrics', 'pairingWarnings']);

/** What `fit` prints: `0` nothing, `1` a progress bar, `2` one line per epoch, `'auto'` as Keras chooses. */
export type Verbose = 0 | 1 | 2 | 'auto';

/**
 * Options of `Trainer.fit`, with Keras's defaults (camelCase) plus a seed, checkpoints and the non-finite
 * guard.
 */
export interface FitOptions {
  /** Index of the last epoch + 1 (Keras: training runs epochs `initialEpoch .. epochs − 1`). Default 1. */
  readonly epochs?: number;
  /** Samples per step; a batch larger than the data gives one smaller batch. Default 32. */
  readonly batchSize?: number;
  /** Visit the training samples in a new seeded random order every epoch. Default `true`. */
  readonly shuffle?: boolean;
  /** Seed of the shuffling and of the layers' randomness (dropout). Default 0. */
  readonly seed?: number;
  /** `[x, y]` evaluated after every epoch; its logs get the `val_` prefix. */
  readonly validationData?: readonly [DataLike, DataLike];
  /** Fraction in (0, 1) of the samples, taken from the END before shuffling (Keras), used for validation. */
  readonly validationSplit?: number;
  /** Batch size of the validation pass. Default `batchSize`. */
  readonly validationBatchSize?: number;
  readonly callbacks?: readonly Callback<Trainer>[];
  /**
   * `0` silent, `1` progress bar, `2` one line per epoch, `'auto'` (default, as Keras): `1` when the output
   * (`progressStream`, else stdout) is a terminal, `2` when it is a file or a pipe (CI logs, `| tee`), `0`
   * where there is no stdout (a browser without a `progressStream`).
   */
  readonly verbose?: Verbose;
  /** Epoch to start at (resuming). Default 0. */
  readonly initialEpoch?: number;
  /** Output of the progress display (its `isTTY` decides `verbose: 'auto'`). Default `process.stdout`. */
  readonly progressStream?: ProgressStream;
  /** Write checkpoints to `checkpoint.dir` after every epoch and, with `every: k`, every k steps. */
  readonly checkpoint?: CheckpointOptions;
  /**
   * Continue the run saved in this checkpoint directory (its `latest` generation): weights, optimizer state,
   * callback states, history, epoch, step, random stream and position in the shuffled data. `initialEpoch`
   * is then taken from the checkpoint. The data, `seed`, `batchSize` and `shuffle` must be the run's.
   */
  readonly resumeFrom?: string;
  /**
   * What to do about a step whose loss or gradient is NaN or infinite: `'stop'`, `'skip'` or `'ignore'`
   * (default: no check, zero cost; see `NonFiniteMode`). Checked on the device, read only where `fit` reads
   * anyway (the epoch end, checkpoint writes).
   */
  readonly nonFinite?: NonFiniteMode;
}

const FIT_KEYS = optionKeys<FitOptions>()([
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validationData',
  'validationSplit',
  'validationBatchSize',
  'callbacks',
  'verbose',
  'initialEpoch',
  'progressStream',
  'checkpoint',
  'resumeFrom',
  'nonFinite',
]);

/** Options of {@link Trainer.trainOnBatch}. */
export interface TrainOnBatchOptions {
  /** Stream of the layers' randomness (dropout). Default a stream seeded with 0. */
  readonly rng?: RandomStream;
  /**
   * Check the labels against the loss and the model's output before the step (one small read-back; labels
   * out of range are `OUT_OF_RANGE` and nothing is updated). Default `true`; `findLearningRate` checks its
   * whole data once and turns it off.
   */
  readonly checkTargets?: boolean;
}

/** Options of `Trainer.evaluate`. */
export interface EvaluateOptions {
  /** Samples per forward pass. Default 32. */
  readonly batchSize?: number;
}

const EVALUATE_KEYS = optionKeys<EvaluateOptions>()(['batchSize']);

/** Options of `Trainer.predict`. */
export interface PredictOptions {
  /** Samples per forward pass. Default 32. */
  readonly batchSize?: number;
}

const PREDICT_KEYS = optionKeys<PredictOptions>()(['batchSize']);

/** The keys of {@link TrainOnBatchOptions}. */
const TRAIN_ON_BATCH_KEYS = optionKeys<TrainOnBatchOptions>()(['rng', 'checkTargets']);

const REG_KEY = 'regularization_loss';
/** Accumulator entries of the non-finite guard (never shown in logs). */
const BAD_KEY = '\u0000nonfinite';
const FIRST_BAD_KEY = '\u0000first_nonfinite';

function isOptimizerLike(x: unknown): x is OptimizerLike {
  return typeof x === 'object' && x !== null && typeof (x as OptimizerLike).step === 'function';
}

function isTransformation(x: unknown): x is GradientTransformation<unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as GradientTransformation).init === 'function' &&
    typeof (x as GradientTransformation).update === 'function'
  );
}

function checkBatchSize(name: string, value: unknown): number {
  return checkNumber(name, value, { min: 1, integer: true });
}

function checkCheckpointOptions(checkpoint: unknown, resumeFrom: unknown): void {
  if (checkpoint !== undefined) {
    if (typeof checkpoint === 'object' && checkpoint !== null && !Array.isArray(checkpoint)) {
      checkOptions('fit.checkpoint', checkpoint, CHECKPOINT_KEYS);
    }
    const c = checkpoint as Partial<CheckpointOptions> | null;
    if (typeof c !== 'object' || c === null || typeof c.dir !== 'string' || c.dir === '') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        "checkpoint must be { dir: string, every?: 'epoch' | number of steps, keep?: number }",
      );
    }
    if (c.every !== undefined && c.every !== 'epoch')
      checkNumber('checkpoint.every', c.every, { min: 1, integer: true });
    if (c.keep !== undefined) checkNumber('checkpoint.keep', c.keep, { min: 1, integer: true });
  }
  if (resumeFrom !== undefined && (typeof resumeFrom !== 'string' || resumeFrom === '')) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `resumeFrom must be a checkpoint directory (a string), got ${JSON.stringify(resumeFrom)}`,
    );
  }
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });

/** Milliseconds between two yields to the event loop during an epoch (lets timers and signals run). */
const YIELD_MS = 100;

/**
 * A model compiled with a loss, an optimizer and metrics (Keras `model.compile(...)`): `fit`, `evaluate`
 * and `predict`. Create one with {@link compile}.
 */
export class Trainer {
  readonly model: TrainableModel;
  readonly optimizer: OptimizerLike;
  readonly loss: LossFunction;
  /** Set to `true` (from a callback) to stop `fit` after the current batch (Keras `model.stop_training`). */
  stopTraining = false;
  /** The `History` of the last `fit`. */
  history: History | undefined;
  private readonly metricSpecs: readonly MetricLike[];
  private readonly ownsOptimizer: boolean;
  private readonly lossKind: LossKind | undefined;
  private readonly fromLogits: boolean;
  private fitting = false;
  private disposed = false;
  private disposeWhenDone = false;

  constructor(model: TrainableModel, options: CompileOptions) {
    checkOptions('compile', options, COMPILE_KEYS);
    if (typeof model !== 'object' || model === null || typeof model.apply !== 'function') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'compile expects a model (e.g. a Sequential) as first argument',
      );
    }
    const { loss, optimizer, metrics = [], pairingWarnings = true } = options;
    if (typeof pairingWarnings !== 'boolean' && typeof pairingWarnings !== 'function') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `pairingWarnings must be a boolean or a function (message) => void, got ${JSON.stringify(pairingWarnings)}`,
      );
    }
    this.model = model;
    this.loss = getLoss(loss);
    this.lossKind = isLoss(this.loss) ? this.loss.kind : undefined;
    this.fromLogits = isLoss(this.loss) ? this.loss.fromLogits : false;
    this.ownsOptimizer = !isOptimizerLike(optimizer);
    if (isOptimizerLike(optimizer)) this.optimizer = optimizer;
    else if (isTransformation(optimizer)) this.optimizer = new Optimizer(optimizer);
    else {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'optimizer must be a gradient transformation (e.g. sgd({ learningRate: 0.01 })) or an Optimizer',
      );
    }
    if (!Array.isArray(metrics)) {
      throw new SteadygradError('INVALID_ARGUMENT', `metrics must be an array, got ${typeof metrics}`);
    }
    for (const m of metrics) {
      if (typeof m !== 'object' || m === null) resolveMetricName(m); // UNKNOWN_NAME / INVALID_ARGUMENT now, not at fit
    }
    this.metricSpecs = [...metrics];
    const layers = (model as { layers?: unknown }).layers;
    if (pairingWarnings !== false && Array.isArray(layers)) {
      checkPairings(layers, typeof pairingWarnings === 'function' ? { warn: pairingWarnings } : {});
    }
  }

  /** Resolves the metrics once shapes are known (`'accuracy'` depends on the loss or the shapes). */
  private resolveMetrics(ySample: readonly number[]): Metric[] {
    const ctx = {
      lossKind: this.lossKind,
      fromLogits: this.fromLogits,
      yTrueShape: [null, ...ySample],
      yPredShape: this.model.outputShape,
    };
    const metrics = this.metricSpecs.map((m) => getMetric(m, ctx));
    const seen = new Set<string>(['loss', REG_KEY]);
    for (const m of metrics) {
      if (seen.has(m.name)) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `two metrics (or a metric and the loss) are both named '${m.name}'`,
        );
      }
      seen.add(m.name);
    }
    return metrics;
  }

  /** Builds the model when it is not built yet: from its declared input shape, else from the data's. */
  private ensureBuilt(x: BatchSource): void {
    const m = this.model;
    if (m.built === true || m.outputShape !== undefined || typeof m.build !== 'function') return;
    try {
      m.build();
    } catch (e) {
      if (e instanceof SteadygradError && e.code === 'NOT_BUILT') m.build([null, ...x.shape]);
      else throw e;
    }
  }

  private async checkData(prefix: string, x: DataLike, y: DataLike): Promise<void> {
    await checkFiniteInput(`${prefix}x`, x);
    await checkTargets(`${prefix}y`, y, { kind: this.lossKind, outputShape: this.model.outputShape });
  }

  private static sources(xName: string, yName: string, x: unknown, y: unknown): [BatchSource, BatchSource] {
    const xs = asSource(xName, x);
    const ys = asSource(yName, y);
    if (xs.size !== ys.size) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${xName} and ${yName} must hold the same number of samples, got ${xs.size} inputs and ${ys.size} targets`,
        { details: { x: xs.size, y: ys.size } },
      );
    }
    if (xs.size === 0) {
      throw new SteadygradError('INVALID_ARGUMENT', `${xName} is empty: expected at least one sample`);
    }
    return [xs, ys];
  }

  /**
   * One optimization step on a batch (Keras `train_step`): `tf.variableGrads` of
   * `loss(y, model(x, training)) + Σ penalties` over the model's current trainable parameters, then
   * `optimizer.step`, then the parameter constraints. Returns the accumulator contributions
   * `[totalLoss·n, penalty·n, Σ metric_1, …]` (a new tensor, no read-back) and whether penalties exist.
   */
  private trainStep(
    xb: Tensor,
    yb: Tensor,
    metrics: readonly Metric[],
    rng: RandomStream,
    guard?: NonFiniteGuard,
    globalStep = 0,
  ): [Tensor, boolean] {
    const params = this.model.trainableParameters;
    const n = xb.shape[0]!;
    let hasPenalty = false;
    if (params.length === 0) {
      // Nothing to train (every layer frozen): report the loss, as Keras does.
      const [c, p] = this.evalStep(xb, yb, metrics, true, rng);
      if (guard === undefined) return [c, p];
      const padded = tf.concat([c, tf.zeros([2])]);
      c.dispose();
      return [padded, p];
    }
    const byVariable = new Map<string, Parameter>();
    const byName = new Set<string>();
    for (const p of params) {
      if (byName.has(p.name)) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `two trainable parameters are both named '${p.name}'; parameter names must be unique within a model`,
        );
      }
      byName.add(p.name);
      byVariable.set(p.variable.name, p);
    }
    // yPred and the penalty are kept out of the gradient tape's scopes to compute the metrics and the log
    // terms from the same forward pass; they are disposed right after.
    let yPred: Tensor | undefined;
    let penalty: Tensor | undefined;
    let step: { grads: Record<string, Tensor>; contributions: Tensor; finite: Tensor | undefined };
    // The guard's snapshot is taken before the forward pass, which updates batch-norm statistics.
    const snap = guard?.snapshot(this.model.parameters ?? params, this.optimizer);
    try {
      step = tf.tidy(() => {
        const { value, grads: raw } = variableGrads(
          () => {
            const losses: Scalar[] = [];
            const out = this.model.apply(xb, { training: true, rng, losses });
            const dataLoss = this.loss(yb, out);
            if (dataLoss.rank !== 0) {
              throw new SteadygradError(
                'SHAPE_MISMATCH',
                `the loss must return a scalar, got shape [${dataLoss.shape}]`,
              );
            }
            yPred = tf.keep(out);
            const terms = [...this.model.regularizationLosses(), ...losses];
            if (terms.length === 0) return dataLoss;
            hasPenalty = true;
            penalty = tf.keep(terms.length === 1 ? terms[0]! : tf.addN(terms));
            return tf.add(dataLoss, penalty) as Scalar;
          },
          params.map((p) => p.variable),
        );
        const named: Record<string, Tensor> = {};
        for (const [varName, g] of Object.entries(raw)) {
          const p = byVariable.get(varName);
          if (p !== undefined && g !== null) named[p.name] = g;
        }
        const parts = [tf.mul(value, n), penalty === undefined ? tf.scalar(0) : tf.mul(penalty, n)];
        for (const m of metrics) parts.push(tf.sum(m.perSample(yb, yPred!)));
        const finite =
          guard === undefined ? undefined : NonFiniteGuard.finiteFlag(value, Object.values(named));
        return { grads: named, contributions: tf.stack(parts), finite };
      });
    } catch (e) {
      if (snap !== undefined) {
        tf.dispose(snap.values);
        if (snap.optimizer !== undefined) tf.dispose(Object.values(snap.optimizer.tensors));
      }
      throw e;
    } finally {
      if (yPred !== undefined) yPred.dispose();
      if (penalty !== undefined) penalty.dispose();
    }
    const { grads, finite } = step;
    let contributions = step.contributions;
    try {
      this.optimizer.step(
        params.filter((p) => grads[p.name] !== undefined),
        grads,
      );
      this.model.applyConstraints();
      if (guard !== undefined && snap !== undefined && finite !== undefined) {
        const { ok, extra } = guard.commit(finite, snap, this.optimizer, globalStep);
        const c = contributions;
        contributions = tf.tidy(() => tf.concat([NonFiniteGuard.select(ok, c, tf.zerosLike(c)), extra]));
        tf.dispose([ok, extra, c]);
      }
    } catch (e) {
      contributions.dispose();
      throw e;
    } finally {
      tf.dispose(Object.values(grads));
    }
    return [contributions, hasPenalty];
  }

  /**
   * One optimization step on one batch (Keras `train_on_batch`), outside `fit`: the same step as `fit`'s
   * (loss + penalties, gradients, optimizer, constraints). Returns the batch's mean loss (penalties included)
   * as a scalar tensor the caller disposes; nothing is read back. `rng` feeds the layers' randomness
   * (dropout); default a stream seeded with 0.
   */
  trainOnBatch(x: Tensor, y: Tensor, options: TrainOnBatchOptions = {}): Scalar {
    checkOptions('trainOnBatch', options, TRAIN_ON_BATCH_KEYS);
    registerGradients();
    const { rng = new RandomStream(0), checkTargets: check = true } = options;
    this.checkUsable('trainOnBatch');
    checkModelFree(this.model, this, 'trainOnBatch', ['findLearningRate']);
    if (typeof x?.shape !== 'object' || typeof y?.shape !== 'object' || x.isDisposed || y.isDisposed) {
      throw new SteadygradError('INVALID_ARGUMENT', 'trainOnBatch expects two live tensors x and y');
    }
    if (x.shape[0] !== y.shape[0]) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `trainOnBatch: x holds ${x.shape[0]} samples and y ${y.shape[0]}`,
        { details: { x: x.shape[0], y: y.shape[0] } },
      );
    }
    if (check) {
      checkTargetsSync('y', y, { kind: this.lossKind, outputShape: this.model.outputShape });
    }
    const [c] = this.trainStep(x, y, [], rng);
    try {
      return tf.tidy(() => tf.div(tf.reshape(tf.slice(c, [0], [1]), []), x.shape[0]!)) as Scalar;
    } finally {
      c.dispose();
    }
  }

  /** Forward pass without gradients; same contributions as {@link trainStep}. */
  private evalStep(
    xb: Tensor,
    yb: Tensor,
    metrics: readonly Metric[],
    training = false,
    rng?: RandomStream,
  ): [Tensor, boolean] {
    let hasPenalty = false;
    const contributions = tf.tidy(() => {
      const n = xb.shape[0]!;
      const losses: Scalar[] = [];
      const out = this.model.apply(xb, { training, rng, losses });
      const dataLoss = this.loss(yb, out);
      if (dataLoss.rank !== 0) {
        throw new SteadygradError(
          'SHAPE_MISMATCH',
          `the loss must return a scalar, got shape [${dataLoss.shape}]`,
        );
      }
      const terms = [...this.model.regularizationLosses(), ...losses];
      hasPenalty = terms.length > 0;
      const penalty = hasPenalty ? (terms.length === 1 ? terms[0]! : tf.addN(terms)) : tf.scalar(0);
      const parts = [tf.mul(tf.add(dataLoss, penalty), n), tf.mul(penalty, n)];
      for (const m of metrics) parts.push(tf.sum(m.perSample(yb, out)));
      return tf.stack(parts);
    });
    return [contributions, hasPenalty];
  }

  private static logsFrom(means: Record<string, number>, hasPenalty: boolean, prefix = ''): Logs {
    const logs: Logs = {};
    for (const [k, v] of Object.entries(means)) {
      if ((k === REG_KEY && !hasPenalty) || k === BAD_KEY || k === FIRST_BAD_KEY) continue;
      logs[prefix + k] = v;
    }
    return logs;
  }

  /** Loss and metrics over a whole source, with one read-back at the end. */
  private async evaluateSources(
    x: BatchSource,
    y: BatchSource,
    batchSize: number,
    metrics: readonly Metric[],
  ): Promise<Logs> {
    const acc = new DeviceAccumulator(['loss', REG_KEY, ...metrics.map((m) => m.name)]);
    let hasPenalty = false;
    try {
      const steps = stepsPerEpoch(x.size, batchSize);
      const order = new Uint32Array(x.size);
      for (let i = 0; i < order.length; i++) order[i] = i;
      for (let s = 0; s < steps; s++) {
        const [start, end] = batchBounds(x.size, batchSize, s);
        const idx = order.subarray(start, end);
        const xb = x.batch(idx);
        const yb = y.batch(idx);
        try {
          const [c, p] = this.evalStep(xb, yb, metrics);
          hasPenalty ||= p;
          acc.add(c, end - start);
        } finally {
          xb.dispose();
          yb.dispose();
        }
      }
      return Trainer.logsFrom(await acc.read(), hasPenalty);
    } finally {
      acc.dispose();
    }
  }

  /**
   * Trains the model (Keras `model.fit`). Every epoch visits the training samples in a seeded random order
   * (`shuffle`), in batches of `batchSize` (the last one smaller), runs one optimizer step per batch, then
   * evaluates the validation data, if any. Loss and metric sums stay on the device during the epoch and are
   * read back once at its end (plus at most ~10 times a second for the progress bar, and only when a
   * callback reads batch logs).
   *
   * Epoch logs: `loss` (the batch-size-weighted mean of the batch losses, penalties included, as in Keras),
   * `regularization_loss` (the penalties' part, when the model has any), each metric, `val_*` for the
   * validation data (computed exactly as `evaluate` does), and `lr` when the optimizer exposes a learning
   * rate. Returns the run's {@link History}.
   *
   * The input data is checked once up front: equal sample counts, no NaN/Inf, labels in range for the loss
   * and the model's output (see `checkTargets`).
   */
  async fit(x: DataLike, y: DataLike, options: FitOptions = {}): Promise<History> {
    this.checkUsable('fit');
    if (this.fitting) {
      throw new SteadygradError(
        'BUSY',
        'fit is already running on this trainer: await the running fit before starting another',
      );
    }
    const release = acquireModel(this.model, this, 'fit');
    this.fitting = true;
    try {
      return await this.runFit(x, y, options);
    } finally {
      this.fitting = false;
      release();
      if (this.disposeWhenDone) this.dispose();
    }
  }

  /**
   * Throws `DISPOSED` when this trainer was disposed or its model's parameters were freed (`model.dispose()`),
   * before anything runs.
   */
  private checkUsable(what: string): void {
    if (this.disposed) {
      throw new SteadygradError(
        'DISPOSED',
        `${what}: this trainer was disposed; compile the model again to train or evaluate it`,
      );
    }
    const params = this.model.parameters ?? this.model.trainableParameters;
    const freed = params.find((p) => p.variable.isDisposed);
    if (freed !== undefined) {
      throw new SteadygradError(
        'DISPOSED',
        `${what}: the model was disposed (parameter '${freed.name}' is freed); build a new model`,
        { details: { parameter: freed.name } },
      );
    }
  }

  private async runFit(x: DataLike, y: DataLike, options: FitOptions): Promise<History> {
    checkOptions('fit', options, FIT_KEYS);
    registerGradients();
    const {
      epochs = 1,
      batchSize = 32,
      shuffle = true,
      seed = 0,
      validationData,
      validationSplit,
      validationBatchSize,
      callbacks = [],
      verbose = 'auto',
      initialEpoch = 0,
      progressStream,
      checkpoint,
      resumeFrom,
      nonFinite = 'ignore',
    } = options;
    checkNonFiniteMode(nonFinite);
    checkCheckpointOptions(checkpoint, resumeFrom);
    checkNumber('epochs', epochs, { min: 1, integer: true });
    checkBatchSize('batchSize', batchSize);
    checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
    checkNumber('initialEpoch', initialEpoch, { min: 0, integer: true });
    if (initialEpoch >= epochs) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `initialEpoch (${initialEpoch}) must be less than epochs (${epochs}): epochs is the index of the last epoch + 1, as in Keras`,
      );
    }
    if (typeof shuffle !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `shuffle must be a boolean, got ${JSON.stringify(shuffle)}`,
      );
    }
    const valBatchSize =
      validationBatchSize === undefined
        ? batchSize
        : checkBatchSize('validationBatchSize', validationBatchSize);
    const verbosity = resolveVerbose(verbose, progressStream);
    if (!Array.isArray(callbacks)) {
      throw new SteadygradError('INVALID_ARGUMENT', `callbacks must be an array, got ${typeof callbacks}`);
    }
    if (validationData !== undefined && validationSplit !== undefined) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'give either validationData or validationSplit, not both (Keras silently ignores validationSplit then)',
      );
    }
    if (validationSplit !== undefined)
      checkNumber('validationSplit', validationSplit, { above: 0, below: 1 });
    if (validationData !== undefined && (!Array.isArray(validationData) || validationData.length !== 2)) {
      throw new SteadygradError('INVALID_ARGUMENT', 'validationData must be a pair [x, y]');
    }

    let [xs, ys] = Trainer.sources('x', 'y', x, y);
    let val: [BatchSource, BatchSource] | undefined;
    if (validationSplit !== undefined) {
      const split = splitLast(xs, ys, validationSplit);
      [xs, ys] = split.train;
      val = split.validation;
    } else if (validationData !== undefined) {
      val = Trainer.sources('validationData x', 'validationData y', validationData[0], validationData[1]);
    }

    this.ensureBuilt(xs);
    const metrics = this.resolveMetrics(ys.shape);
    await this.checkData('', x, y);
    if (validationData !== undefined)
      await this.checkData('validationData ', validationData[0], validationData[1]);

    const history = new History();
    this.history = history;
    const user = callbacks as readonly Callback<Trainer>[];
    const all: Callback<Trainer>[] = [];
    if (verbosity > 0) {
      all.push(
        new ProgressBar({ mode: verbosity as 1 | 2, ...(progressStream ? { stream: progressStream } : {}) }),
      );
    }
    all.push(...user, history as Callback<Trainer>);
    const list = new CallbackList<Trainer>(all);
    const metricKeys = ['loss', ...metrics.map((m) => m.name)];
    const steps = stepsPerEpoch(xs.size, batchSize);
    const params: TrainingParams = {
      epochs,
      initialEpoch,
      steps,
      batchSize,
      samples: xs.size,
      verbose: verbosity,
      metrics: val === undefined ? metricKeys : [...metricKeys, ...metricKeys.map((k) => `val_${k}`)],
    };
    this.stopTraining = this.disposeWhenDone; // a dispose() requested meanwhile ends the fit at once
    const allParams = this.model.parameters ?? this.model.trainableParameters;
    const signature: RunSignature = { seed, batchSize, shuffle, samples: xs.size };
    const state: TrainingState = {
      parameters: allParams,
      layers: (this.model as { layers?: TrainingState['layers'] }).layers,
      optimizer: this.optimizer,
      callbacks: user,
      history,
    };
    // Read and check the checkpoint before anything changes; it is applied after onTrainBegin (which resets
    // the callbacks' states).
    let resume: LoadedCheckpoint | undefined;
    if (resumeFrom !== undefined) resume = await loadTrainingCheckpoint(resumeFrom, state, signature, epochs);
    // An unwritable checkpoint folder fails now, not after the first epoch has trained.
    if (checkpoint !== undefined) await prepareCheckpointDir(checkpoint.dir);
    const sums = resume?.meta.accumulator?.sums;
    const entries = 2 + metrics.length + (nonFinite === 'ignore' ? 0 : 2);
    if (sums !== undefined && sums.length !== entries) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        `checkpoint ${resume!.file.path} does not fit this run: it was taken mid-epoch with ${sums.length} running sums, this fit keeps ${entries}; resume with the same metrics and nonFinite mode`,
        { details: { file: resume!.file.path } },
      );
    }
    const startEpoch = resume?.meta.position.epoch ?? initialEpoch;
    const startStep = resume?.meta.position.step ?? 0;
    if (resume !== undefined) (params as { initialEpoch: number }).initialEpoch = startEpoch;
    const guarded = nonFinite !== 'ignore';
    const acc = new DeviceAccumulator([
      'loss',
      REG_KEY,
      ...metrics.map((m) => m.name),
      ...(guarded ? [BAD_KEY, FIRST_BAD_KEY] : []),
    ]);
    const logKeys = acc.keys.filter((k) => k !== BAD_KEY && k !== FIRST_BAD_KEY);
    let guard: NonFiniteGuard | undefined;
    let hasPenalty = resume?.meta.hasPenalty ?? false;
    const stopIfBad = (bad: number, first: number): void => {
      if (guard?.mode === 'stop' && bad > 0) {
        throw divergedError(Math.floor(first / steps), first % steps, bad);
      }
    };
    try {
      list.setTrainer(this);
      list.setParams(params);
      await list.onTrainBegin({});
      if (resume !== undefined) {
        resume.applyModelAndOptimizer();
        resume.applyCallbacks();
        if (resume.meta.stopped) this.stopTraining = true;
      }
      if (nonFinite !== 'ignore') guard = new NonFiniteGuard(nonFinite, resume?.meta.guard ?? undefined);
      const save = async (position: { epoch: number; step: number }, mid?: { rng: RandomStream }) => {
        if (checkpoint === undefined) return;
        const guardState = guard === undefined ? null : guard.read();
        if (guardState !== null) stopIfBad(guardState[0], guardState[1]);
        await saveTrainingCheckpoint(checkpoint, state, {
          run: signature,
          position,
          stopped: this.stopTraining,
          layersRng: mid === undefined ? null : mid.rng.getState(),
          accumulator:
            mid === undefined
              ? null
              : { sums: Object.values(acc.readSync()).map((m) => m * acc.count), count: acc.count },
          hasPenalty,
          guard: guardState,
        });
      };
      for (let epoch = startEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        const resumed = resume !== undefined && epoch === startEpoch && startStep > 0;
        // A resumed partial epoch does not repeat onEpochBegin (its effects, e.g. a learning rate set by a
        // scheduler, are part of the restored state); only the progress display hears it.
        if (resumed) for (const c of all) if (c instanceof ProgressBar) c.onEpochBegin(epoch);
        if (!resumed) await list.onEpochBegin(epoch, {});
        const streams = epochStreams(seed, epoch);
        const order = epochOrder(xs.size, shuffle, streams.shuffle);
        acc.reset();
        if (resumed) {
          const m = resume!.meta;
          if (m.layersRng !== null) streams.layers.setState(m.layersRng);
          if (m.accumulator !== null && m.accumulator.count > 0) {
            acc.add(tf.tensor1d(m.accumulator.sums, 'float32'), m.accumulator.count);
          }
        }
        let lastYield = performance.now();
        for (let step = resumed ? startStep : 0; step < steps; step++) {
          const [start, end] = batchBounds(xs.size, batchSize, step);
          const size = end - start;
          if (list.wantsBatchBegin) {
            const r = list.onBatchBegin(step, { batch: step, size });
            if (r !== undefined) await r;
          }
          const idx = order.subarray(start, end);
          const xb = xs.batch(idx);
          const yb = ys.batch(idx);
          try {
            const [c, p] = this.trainStep(xb, yb, metrics, streams.layers, guard, epoch * steps + step);
            hasPenalty ||= p;
            acc.add(c, size);
          } finally {
            xb.dispose();
            yb.dispose();
          }
          if (list.wantsBatchEnd) {
            const keys = hasPenalty ? logKeys : logKeys.filter((k) => k !== REG_KEY);
            const r = list.onBatchEnd(step, acc.batchLogs(step, size, keys));
            if (r !== undefined) await r;
          }
          if (this.stopTraining) break;
          if (
            checkpoint !== undefined &&
            typeof checkpoint.every === 'number' &&
            step + 1 < steps &&
            (epoch * steps + step + 1) % checkpoint.every === 0
          ) {
            await save({ epoch, step: step + 1 }, { rng: streams.layers });
          }
          const now = performance.now();
          if (now - lastYield > YIELD_MS) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
        }
        const means = await acc.read();
        if (guard !== undefined) {
          // The guard's entries are sums over the epoch, read with the losses (no extra read-back).
          const bad = Math.round(means[BAD_KEY]! * acc.count);
          stopIfBad(bad, Math.round(means[FIRST_BAD_KEY]! * acc.count));
        }
        const logs = Trainer.logsFrom(means, hasPenalty);
        if (guard !== undefined && guard.mode === 'skip') {
          const bad = Math.round(means[BAD_KEY]! * acc.count);
          if (bad > 0) logs.nonfinite_steps = bad;
        }
        if (val !== undefined)
          Object.assign(
            logs,
            Trainer.prefixed(await this.evaluateSources(val[0], val[1], valBatchSize, metrics)),
          );
        const lr = this.optimizer.learningRate;
        if (typeof lr === 'number') logs.lr = lr;
        await list.onEpochEnd(epoch, logs);
        await save({ epoch: epoch + 1, step: 0 });
      }
      await list.onTrainEnd({});
    } finally {
      acc.dispose();
      guard?.dispose();
      for (const c of all) if (c instanceof ProgressBar) c.onTrainEnd();
    }
    return history;
  }

  private static prefixed(logs: Logs): Logs {
    const out: Logs = {};
    for (const [k, v] of Object.entries(logs)) out[`val_${k}`] = v;
    return out;
  }

  /**
   * Loss and metrics of the model on `(x, y)` in inference mode (Keras `model.evaluate`): `{ loss, accuracy,
   * … }` where `loss` includes the penalties (`regularization_loss` reported separately when there are
   * any) and every value is the mean over all samples. Batches are summed on the device; one read-back.
   */
  async evaluate(x: DataLike, y: DataLike, options: EvaluateOptions = {}): Promise<Logs> {
    checkOptions('evaluate', options, EVALUATE_KEYS);
    const { batchSize = 32 } = options;
    this.checkUsable('evaluate');
    checkBatchSize('batchSize', batchSize);
    const [xs, ys] = Trainer.sources('x', 'y', x, y);
    this.ensureBuilt(xs);
    const metrics = this.resolveMetrics(ys.shape);
    await this.checkData('', x, y);
    return this.evaluateSources(xs, ys, batchSize, metrics);
  }

  /**
   * The model's outputs for `x` in inference mode (Keras `model.predict`), computed `batchSize` samples at
   * a time and concatenated into one tensor (which the caller disposes).
   */
  predict(x: DataLike, options: PredictOptions = {}): Tensor {
    checkOptions('predict', options, PREDICT_KEYS);
    const { batchSize = 32 } = options;
    this.checkUsable('predict');
    checkBatchSize('batchSize', batchSize);
    const xs = asSource('x', x);
    if (xs.size === 0)
      throw new SteadygradError('INVALID_ARGUMENT', 'x is empty: expected at least one sample');
    this.ensureBuilt(xs);
    const steps = stepsPerEpoch(xs.size, batchSize);
    const outputs: Tensor[] = [];
    try {
      for (let s = 0; s < steps; s++) {
        const [start, end] = batchBounds(xs.size, batchSize, s);
        const idx = new Int32Array(end - start);
        for (let i = 0; i < idx.length; i++) idx[i] = start + i;
        const xb = xs.batch(idx);
        try {
          outputs.push(this.model.apply(xb, { training: false }));
        } finally {
          xb.dispose();
        }
      }
      return outputs.length === 1 ? outputs.pop()! : tf.concat(outputs, 0);
    } finally {
      tf.dispose(outputs);
    }
  }

  /**
   * Frees the optimizer's state when this trainer created the optimizer (from a gradient transformation);
   * an `Optimizer` passed to `compile` belongs to the caller and is left alone. The model is not touched.
   * Afterwards `fit`, `trainOnBatch`, `evaluate` and `predict` are `DISPOSED` errors.
   *
   * During a `fit` the disposal is deferred: `stopTraining` is set, the running fit ends after its current
   * batch (its epoch end and checkpoint run as for any stop), and the trainer is disposed when the fit
   * settles; nothing is freed under the running step, so no tensor is orphaned. Calling it twice is harmless.
   */
  dispose(): void {
    if (this.fitting) {
      this.disposeWhenDone = true;
      this.stopTraining = true;
      return;
    }
    if (this.disposed) return;
    this.disposed = true;
    this.disposeWhenDone = false;
    if (this.ownsOptimizer) this.optimizer.dispose?.();
  }
}

/**
 * Keras `model.compile(loss, optimizer, metrics)`: binds a model to a loss, an optimizer and metrics and
 * returns the {@link Trainer} that fits, evaluates and predicts with them.
 *
 * ```ts
 * const trainer = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: sgd({ learningRate: 0.01 }), metrics: ['accuracy'] });
 * const history = await trainer.fit(xTrain, yTrain, { epochs: 10, validationSplit: 0.1 });
 * ```
 */
export function compile(model: TrainableModel, options: CompileOptions): Trainer {
  if (typeof options !== 'object' || options === null) {
    throw new SteadygradError('INVALID_ARGUMENT', 'compile expects options { loss, optimizer, metrics }');
  }
  return new Trainer(model, options);
}
