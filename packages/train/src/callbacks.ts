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
  /** Called once before training with the trainer (or model) being trained. */
  setTrainer?(trainer: T): void;
  /** Called once before training with its parameters (epochs, steps, metrics). */
  setParams?(params: TrainingParams): void;
  /** At the start of `fit`. */
  onTrainBegin?(logs: Logs): void | Promise<void>;
  /** At the end of `fit` (also when training was stopped). */
  onTrainEnd?(logs: Logs): void | Promise<void>;
  /** At the start of each epoch. */
  onEpochBegin?(epoch: number, logs: Logs): void | Promise<void>;
  /** At the end of each epoch, with its logs (loss, metrics, validation values, `lr`). */
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  /** Before each training step. */
  onBatchBegin?(batch: number, logs: BatchLogs): void | Promise<void>;
  /** After each training step, with lazy batch logs (read them now: they expire at the next step). */
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

  /** Passes the trainer to every callback. */
  setTrainer(trainer: T): void {
    for (const c of this.callbacks) c.setTrainer?.(trainer);
  }

  /** Passes the training parameters to every callback. */
  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams?.(params);
  }

  /** Calls every callback’s `onTrainBegin`, in order, awaiting those that return a promise. */
  async onTrainBegin(logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onTrainBegin?.(logs);
      if (isPromise(r)) await r;
    }
  }

  /** Calls every callback’s `onTrainEnd`, in order. */
  async onTrainEnd(logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onTrainEnd?.(logs);
      if (isPromise(r)) await r;
    }
  }

  /** Calls every callback’s `onEpochBegin`, in order. */
  async onEpochBegin(epoch: number, logs: Logs): Promise<void> {
    for (const c of this.callbacks) {
      const r = c.onEpochBegin?.(epoch, logs);
      if (isPromise(r)) await r;
    }
  }

  /** Calls every callback’s `onEpochEnd`, in order. */
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

  /** Calls every callback’s `onBatchEnd`; `undefined` when none returned a promise (no microtask per step). */
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
