import {
  checkNumber,
  checkOptions,
  optionKeys,
  RandomStream,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import type { CallContext, Layer } from '@steadygrad/nn';
import type { BatchLogs, Callback, Logs, TrainingParams } from './callbacks.js';
import {
  checkLayers,
  decode,
  type LayerProbe,
  PROBE_KEYS,
  type ProbeOptions,
  probeVector,
} from './layer-probe.js';
import { getLoss, type LossFunction, type LossLike } from './losses.js';

/** One measurement of {@link GradientMonitor}. */
export interface GradientRecord extends LayerProbe {
  /** Optimizer steps completed in this `fit` when the record was taken (0 = the initial weights). */
  readonly step: number;
  /** Epoch index during which the record was taken. */
  readonly epoch: number;
  /** Batch index within the epoch after which it was taken; `-1` for the record taken before training. */
  readonly batch: number;
}

/** Options of `gradientMonitor`: the probe batch, how often to record, and where the records go. */
export interface GradientMonitorOptions extends Partial<ProbeOptions> {
  /** Record after every `every` optimizer steps (counted over the whole `fit`). Default 100. */
  readonly every?: number;
  /** The fixed probe inputs (a few hundred samples is plenty). Owned by the caller. */
  readonly x: Tensor;
  /** The probe targets, in the form the loss expects. Owned by the caller. */
  readonly y: Tensor;
  /** Take a record before the first step (step 0, the initial weights). Default `true`. */
  readonly recordInitial?: boolean;
  /**
   * Add the latest record's per-layer gradient norms of each epoch to the epoch logs (and so to `History`)
   * as `gradient_norm/<layer name>`. Default `true`.
   */
  readonly logToHistory?: boolean;
  /** Called with each new record (e.g. to redraw a heatmap while training runs). */
  readonly onRecord?: (record: GradientRecord) => void;
}

const MONITOR_KEYS = optionKeys<GradientMonitorOptions>()([
  'every',
  'x',
  'y',
  'recordInitial',
  'logToHistory',
  'onRecord',
  ...PROBE_KEYS,
]);

/** The statistics a {@link GradientMonitor} can tabulate as a `[record][layer]` matrix. */
export type LayerStatisticKey =
  | 'gradientNorm'
  | 'activationMean'
  | 'activationStd'
  | 'deadFraction'
  | 'saturatedFraction';

interface TrainerLike {
  readonly model: unknown;
  readonly loss: LossFunction;
}

/**
 * The instrument that shows an unstable gradient while it happens: a `fit` callback that every `every`
 * steps measures, on a fixed probe batch `(x, y)`, each layer's gradient norm, activation mean and std,
 * and fraction of dead (ReLU family) or saturated (sigmoid/tanh) units — see {@link probeLayers} for the
 * exact definitions. Create it with {@link gradientMonitor}.
 *
 * **Cost.** Each record is one extra forward and backward pass on the probe batch (through the layers'
 * execution plan, as `fit` runs them) and **one** device read-back (all layers' statistics in one tensor);
 * steps between records cost nothing. The optimizer is not touched: the probe's gradients are only measured.
 *
 * **Where the records go.** `monitor.records` holds every record; `monitor.matrix('gradientNorm')` gives the
 * `[record][layer]` matrix a heatmap plots (with `monitor.steps` and `monitor.layerNames` as axes). The
 * epoch logs (and so `History`) get `gradient_norm/<layer>` = the epoch's latest record, when `logToHistory`.
 *
 * The model must expose its layers (`Sequential` does); the probe loss defaults to the trainer's loss.
 * Records are measured in inference mode unless `training: true`.
 */
export class GradientMonitor implements Callback<TrainerLike> {
  readonly every: number;
  readonly records: GradientRecord[] = [];
  private readonly x: Tensor;
  private readonly y: Tensor;
  private readonly lossOption: LossLike | undefined;
  private readonly training: boolean;
  private readonly seed: number;
  private readonly recordInitial: boolean;
  private readonly logToHistory: boolean;
  private readonly onRecord: ((record: GradientRecord) => void) | undefined;
  private trainer: TrainerLike | undefined;
  private layers: readonly Layer[] = [];
  private lossFn: LossFunction | undefined;
  private step = 0;
  private epoch = 0;
  private epochRecord: GradientRecord | undefined;

  constructor(options: GradientMonitorOptions) {
    checkOptions('gradientMonitor', options, MONITOR_KEYS);
    if (typeof options !== 'object' || options === null) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'gradientMonitor expects options { x, y, every?, loss? }',
      );
    }
    const {
      every = 100,
      x,
      y,
      loss,
      training = false,
      seed = 0,
      recordInitial = true,
      logToHistory = true,
      onRecord,
    } = options;
    this.every = checkNumber('every', every, { min: 1, integer: true });
    if (!(x instanceof tf.Tensor) || !(y instanceof tf.Tensor)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'gradientMonitor needs the probe batch as tensors: { x: Tensor, y: Tensor }',
      );
    }
    if (x.rank < 1 || y.rank < 1 || x.shape[0] !== y.shape[0]) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `gradientMonitor: x and y must hold the same number of samples, got shapes [${x.shape}] and [${y.shape}]`,
      );
    }
    if (typeof training !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `training must be a boolean, got ${JSON.stringify(training)}`,
      );
    }
    checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
    if (onRecord !== undefined && typeof onRecord !== 'function') {
      throw new SteadygradError('INVALID_ARGUMENT', 'onRecord must be a function');
    }
    this.x = x;
    this.y = y;
    this.lossOption = loss;
    if (loss !== undefined) this.lossFn = getLoss(loss);
    this.training = training;
    this.seed = seed;
    this.recordInitial = recordInitial;
    this.logToHistory = logToHistory;
    this.onRecord = onRecord;
  }

  /** The layer names (columns of {@link matrix}), known after the first record. */
  get layerNames(): string[] {
    return this.layers.map((l) => l.name);
  }

  /** The step of each record (rows of {@link matrix}). */
  get steps(): number[] {
    return this.records.map((r) => r.step);
  }

  /** One statistic as a `[record][layer]` matrix, e.g. for a heatmap of gradient norms over steps. */
  matrix(key: LayerStatisticKey): number[][] {
    return this.records.map((r) => r.layers.map((l) => l[key]));
  }

  setTrainer(trainer: TrainerLike): void {
    this.trainer = trainer;
  }

  setParams(params: TrainingParams): void {
    this.epoch = params.initialEpoch;
  }

  async onTrainBegin(): Promise<void> {
    const model = this.trainer?.model as { layers?: unknown } | undefined;
    if (model === undefined || !Array.isArray(model.layers)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'gradientMonitor needs a model that exposes its layers (a Sequential), used through compile(...).fit',
      );
    }
    this.layers = checkLayers(model.layers);
    if (this.lossOption === undefined) this.lossFn = this.trainer!.loss;
    this.step = 0;
    this.epochRecord = undefined;
    if (this.recordInitial) await this.record(-1);
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochRecord = undefined;
  }

  async onBatchEnd(batch: number, _logs: BatchLogs): Promise<void> {
    this.step++;
    if (this.step % this.every === 0) await this.record(batch);
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const r = this.epochRecord;
    if (!this.logToHistory || r === undefined) return;
    for (const l of r.layers) {
      if (!Number.isNaN(l.gradientNorm)) logs[`gradient_norm/${l.name}`] = l.gradientNorm;
    }
  }

  /** Takes a record now (one forward/backward pass on the probe batch, one device read). */
  private async record(batch: number): Promise<void> {
    const ctx: CallContext = this.training
      ? { training: true, rng: new RandomStream(this.seed) }
      : { training: false };
    const vec = probeVector(this.layers, this.x, this.y, this.lossFn!, ctx);
    let values: ArrayLike<number>;
    try {
      values = await vec.data();
    } finally {
      vec.dispose();
    }
    const record: GradientRecord = {
      step: this.step,
      epoch: this.epoch,
      batch,
      ...decode(this.layers, values),
    };
    this.records.push(record);
    if (batch >= 0) this.epochRecord = record;
    this.onRecord?.(record);
  }
}

/**
 * Keras-style factory of a {@link GradientMonitor}: `callbacks: [gradientMonitor({ every: 100, x, y })]`.
 */
export function gradientMonitor(options: GradientMonitorOptions): GradientMonitor {
  return new GradientMonitor(options);
}
