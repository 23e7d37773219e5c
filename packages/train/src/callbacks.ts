/**
 * Epoch-level logs: plain numbers, already read back from the device (`loss`, `accuracy`,
 * `regularization_loss`, `val_loss`, `val_accuracy`, `lr`, ...).
 */
export type Logs = Record<string, number>;

/**
 * Batch-level logs. `batch` and `size` are plain numbers; the metric keys (`loss`, `accuracy`, ...) are
 * **lazy getters** holding Keras 3's running means over the epoch so far: the first read of any of them
 * costs one device read-back (all keys at once), and nothing is read when no callback looks. They can be
 * read during `onBatchEnd` and until the next training step starts; reading them later throws
 * `INVALID_ARGUMENT` (copy the values you need: `{ ...logs }` or `logs.loss` inside the callback).
 */
export interface BatchLogs {
  readonly batch: number;
  /** Samples in this batch (the last batch of an epoch may be smaller). */
  readonly size: number;
  readonly [key: string]: number;
}

/** What `fit` tells callbacks before training starts (Keras `callback.params`). */
export interface TrainingParams {
  readonly epochs: number;
  readonly initialEpoch: number;
  /** Steps (batches) per epoch. */
  readonly steps: number;
  readonly batchSize: number;
  /** Training samples (after a `validationSplit`). */
  readonly samples: number;
  readonly verbose: 0 | 1 | 2;
  /** The metric keys of the logs, without and with the `val_` prefix. */
  readonly metrics: readonly string[];
}

/**
 * A training callback (Keras `keras.callbacks.Callback`): every method is optional and may return a promise,
 * which `fit` awaits. Order per run: `setTrainer`, `setParams`, `onTrainBegin`, then per epoch
 * `onEpochBegin`, (`onBatchBegin`, `onBatchEnd`) per step, validation, `onEpochEnd`; finally `onTrainEnd`.
 * To stop training, set `trainer.stopTraining = true` (checked after every batch and every epoch).
 *
 * `T` is the trainer type (left generic so that this module does not depend on the fit loop).
 */
export interface Callback<T = unknown> {
  setTrainer?(trainer: T): void;
  setParams?(params: TrainingParams): void;
  onTrainBegin?(logs: Logs): void | Promise<void>;
  onTrainEnd?(logs: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs: BatchLogs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: BatchLogs): void | Promise<void>;
}

/**
 * The record of a `fit` run (Keras `History`): `history.loss[e]`, `history.accuracy[e]`,
 * `history.val_loss[e]`, `history.lr[e]`, ... with `epoch[e]` the epoch index each entry belongs to. `fit`
 * returns it; it is also an ordinary callback that can be passed to several runs.
 */
export class History implements Callback {
  /** Epoch indices, one per recorded epoch (with `initialEpoch = 3`, they start at 3). */
  readonly epoch: number[] = [];
  /** One array per log key, aligned with {@link epoch}. */
  readonly history: Record<string, number[]> = {};
  /** The parameters of the run (set by `fit`). */
  params: TrainingParams | undefined;

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const index = this.epoch.length;
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      let series = this.history[key];
      if (series === undefined) {
        // A key first seen late (a callback added it) is padded with NaN for the earlier epochs.
        series = new Array<number>(index).fill(Number.NaN);
        this.history[key] = series;
      }
      series.push(value);
    }
    for (const series of Object.values(this.history)) {
      while (series.length < this.epoch.length) series.push(Number.NaN);
    }
  }
}

function isPromise(x: unknown): x is Promise<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as Promise<unknown>).then === 'function';
}

/**
 * Dispatches events to a list of callbacks in order, awaiting only the ones that return a promise (so a
 * synchronous callback costs no microtask per batch).
 */
export class CallbackList<T = unknown> {
  readonly callbacks: readonly Callback<T>[];
  private readonly batchBegin: Callback<T>[];
  private readonly batchEnd: Callback<T>[];

  constructor(callbacks: readonly Callback<T>[]) {
    this.callbacks = [...callbacks];
    this.batchBegin = this.callbacks.filter((c) => typeof c.onBatchBegin === 'function');
    this.batchEnd = this.callbacks.filter((c) => typeof c.onBatchEnd === 'function');
  }

  /** Whether any callback listens to batch ends (if none, batch logs are not even built). */
  get wantsBatchEnd(): boolean {
    return this.batchEnd.length > 0;
  }

  get wantsBatchBegin(): boolean {
    return this.batchBegin.length > 0;
  }

  setTrainer(trainer: T): void {
    for (const c of this.callbacks) c.setTrainer?.(trainer);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams?.(params);
  }

  async onTrainBegin(logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onTrainBegin?.(logs);
      if (isPromise(r)) await r;
    }
  }

  async onTrainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onTrainEnd?.(logs);
      if (isPromise(r)) await r;
    }
  }

  async onEpochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onEpochBegin?.(epoch, logs);
      if (isPromise(r)) await r;
    }
  }

  async onEpochEnd(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onEpochEnd?.(epoch, logs);
      if (isPromise(r)) await r;
    }
  }

  /** Returns a promise only when some callback did (the fit loop then awaits it). */
  onBatchBegin(batch: number, logs: BatchLogs): Promise<void> | undefined {
    return this.dispatchBatch(this.batchBegin, 'onBatchBegin', batch, logs);
  }

  onBatchEnd(batch: number, logs: BatchLogs): Promise<void> | undefined {
    return this.dispatchBatch(this.batchEnd, 'onBatchEnd', batch, logs);
  }

  private dispatchBatch(
    list: readonly Callback<T>[],
    method: 'onBatchBegin' | 'onBatchEnd',
    batch: number,
    logs: BatchLogs,
  ): Promise<void> | undefined {
    for (let i = 0; i < list.length; i++) {
      const r = list[i]![method]!(batch, logs);
      if (isPromise(r)) {
        // Finish this callback and the remaining ones asynchronously, in order.
        return (async () => {
          await r;
          for (let j = i + 1; j < list.length; j++) {
            const rj = list[j]![method]!(batch, logs);
            if (isPromise(rj)) await rj;
          }
        })();
      }
    }
    return undefined;
  }
}
