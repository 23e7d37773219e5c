import {
  checkNumber,
  checkOptions,
  optionKeys,
  type Parameter,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import {
  type CallbackState,
  type CheckedCallbackState,
  isCount,
  type StatefulCallback,
} from './callback-state.js';
import type { Callback, Logs } from './callbacks.js';
import { type MonitorMode, monitorValue, resolveMode } from './monitor.js';

/** Options of `earlyStopping` (Keras `EarlyStopping`, camelCase). */
export interface EarlyStoppingOptions {
  /** Log key to watch. Default `'val_loss'`. */
  readonly monitor?: string;
  /** Smallest change that counts as an improvement (absolute, Keras). Default 0. */
  readonly minDelta?: number;
  /** Epochs without improvement after which training stops. Default 0. */
  readonly patience?: number;
  /** `'min'`, `'max'` or `'auto'` (max for names containing `acc`). Default `'auto'`. */
  readonly mode?: MonitorMode;
  /** Restore the weights of the best epoch when training ends. Default `false`. */
  readonly restoreBestWeights?: boolean;
  /** Training stops unless the monitored value improves on this baseline. Default none. */
  readonly baseline?: number;
  /** Epochs to ignore before counting (warm-up). Default 0. */
  readonly startFromEpoch?: number;
}

const KEYS = optionKeys<EarlyStoppingOptions>()([
  'monitor',
  'minDelta',
  'patience',
  'mode',
  'restoreBestWeights',
  'baseline',
  'startFromEpoch',
]);

/** What early stopping needs from the trainer. */
export interface EarlyStoppingTarget {
  stopTraining: boolean;
  readonly model: {
    readonly parameters?: readonly Parameter[];
    readonly trainableParameters: readonly Parameter[];
  };
}

interface EarlyStoppingMeta {
  wait: number;
  stoppedEpoch: number;
  best: number | null;
  bestEpoch: number;
  hasBestWeights: boolean;
}

/**
 * Keras 3 `EarlyStopping`: stops training when the monitored quantity has stopped improving. At the end of
 * every epoch `e >= startFromEpoch`, with `current` the monitored value:
 *
 * - `wait += 1`;
 * - improvement (`current − minDelta > best` for `'max'`, `current + minDelta < best` for `'min'`; the first
 *   value always improves): `best = current`, `bestEpoch = e` (and a copy of the weights is kept), and
 *   `wait = 0` unless a `baseline` is set and `current` does not improve on it;
 * - otherwise, when `wait >= patience` and `e > 0`: `trainer.stopTraining = true`.
 *
 * **`restoreBestWeights`** (tfjs throws NotImplemented): the weights of every parameter (trainable and not,
 * e.g. batch-norm statistics — Keras `get_weights`) are copied when an epoch is the best so far (the copy
 * of the first monitored epoch is taken even without improvement, as in Keras); at the end of training they
 * are written back, whether or not training stopped early (Keras 3). The copies are tensors that share
 * storage with the weights they copy (no extra memory until the weights change) and are disposed when
 * replaced, restored or by `dispose()`. The state (best, wait, best weights) is saved in checkpoints.
 */
export class EarlyStopping implements Callback<EarlyStoppingTarget>, StatefulCallback {
  readonly stateName = 'earlyStopping';
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: MonitorMode;
  readonly restoreBestWeights: boolean;
  readonly baseline: number | undefined;
  readonly startFromEpoch: number;
  wait = 0;
  /** The epoch at which training was stopped (0 when it was not). */
  stoppedEpoch = 0;
  best: number | undefined;
  bestEpoch = 0;
  private bestWeights: Tensor[] | undefined;
  private trainer: EarlyStoppingTarget | undefined;
  private readonly direction: 'min' | 'max';

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions('earlyStopping', options, KEYS);
    const {
      monitor = 'val_loss',
      minDelta = 0,
      patience = 0,
      mode = 'auto',
      restoreBestWeights = false,
      baseline,
      startFromEpoch = 0,
    } = options;
    if (typeof monitor !== 'string' || monitor === '') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `monitor must be a log key such as 'val_loss', got ${JSON.stringify(monitor)}`,
      );
    }
    this.monitor = monitor;
    this.minDelta = Math.abs(checkNumber('minDelta', minDelta));
    this.patience = checkNumber('patience', patience, { min: 0, integer: true });
    this.direction = resolveMode('EarlyStopping', mode, monitor);
    this.mode = mode;
    if (typeof restoreBestWeights !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `restoreBestWeights must be a boolean, got ${JSON.stringify(restoreBestWeights)}`,
      );
    }
    this.restoreBestWeights = restoreBestWeights;
    this.baseline = baseline === undefined ? undefined : checkNumber('baseline', baseline);
    this.startFromEpoch = checkNumber('startFromEpoch', startFromEpoch, { min: 0, integer: true });
  }

  private isImprovement(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    return this.direction === 'max' ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  private parameters(): readonly Parameter[] {
    const model = this.trainer?.model;
    if (model === undefined) {
      throw new SteadygradError('NOT_BUILT', 'EarlyStopping: no trainer was set (use it through fit)');
    }
    return model.parameters ?? model.trainableParameters;
  }

  private keepWeights(): void {
    const copies = this.parameters().map((p) => tf.clone(p.variable));
    this.disposeWeights();
    this.bestWeights = copies;
  }

  private disposeWeights(): void {
    if (this.bestWeights !== undefined) tf.dispose(this.bestWeights);
    this.bestWeights = undefined;
  }

  setTrainer(trainer: EarlyStoppingTarget): void {
    this.trainer = trainer;
  }

  onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestEpoch = 0;
    this.disposeWeights();
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const current = monitorValue('EarlyStopping', this.monitor, logs);
    if (epoch < this.startFromEpoch) return;
    if (this.restoreBestWeights && this.bestWeights === undefined) {
      this.keepWeights();
      this.bestEpoch = epoch;
    }
    this.wait += 1;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.keepWeights();
      if (this.baseline === undefined || this.isImprovement(current, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      if (this.trainer !== undefined) this.trainer.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (!this.restoreBestWeights || this.bestWeights === undefined) return;
    const params = this.parameters();
    const weights = this.bestWeights;
    if (weights.length !== params.length) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        `EarlyStopping: kept ${weights.length} weights but the model now has ${params.length} parameters`,
      );
    }
    for (const [i, p] of params.entries()) p.assign(weights[i]!);
    this.disposeWeights();
  }

  /** The kept best weights, if any (new handles the caller disposes). */
  getBestWeights(): Tensor[] | undefined {
    return this.bestWeights?.map((t) => tf.clone(t));
  }

  getState(): CallbackState {
    const meta: EarlyStoppingMeta = {
      wait: this.wait,
      stoppedEpoch: this.stoppedEpoch,
      best: this.best ?? null,
      bestEpoch: this.bestEpoch,
      hasBestWeights: this.bestWeights !== undefined,
    };
    const tensors: Record<string, Tensor> = {};
    this.bestWeights?.forEach((t, i) => {
      tensors[String(i)] = tf.clone(t);
    });
    return { meta, tensors };
  }

  checkState(state: CheckedCallbackState, context: { readonly parameters: readonly Parameter[] }): void {
    const m = state?.meta as Partial<EarlyStoppingMeta> | undefined;
    const bad = (what: string) =>
      new SteadygradError('CORRUPT_DATA', `EarlyStopping state is invalid: ${what}`, {
        details: { meta: m },
      });
    if (typeof m !== 'object' || m === null) throw bad(`expected an object, got ${JSON.stringify(m)}`);
    for (const k of ['wait', 'stoppedEpoch', 'bestEpoch'] as const) {
      if (!isCount(m[k])) throw bad(`${k} must be an integer >= 0, got ${JSON.stringify(m[k])}`);
    }
    if (!(m.best === null || (typeof m.best === 'number' && !Number.isNaN(m.best))))
      throw bad(`best must be a number or null, got ${JSON.stringify(m.best) ?? String(m.best)}`);
    if (typeof m.hasBestWeights !== 'boolean')
      throw bad(`hasBestWeights must be a boolean, got ${JSON.stringify(m.hasBestWeights)}`);
    const tensors = state.tensors ?? {};
    const params = context.parameters;
    const expected = m.hasBestWeights ? params.length : 0;
    if (Object.keys(tensors).length !== expected)
      throw bad(`it holds ${Object.keys(tensors).length} best weights, expected ${expected}`);
    if (m.hasBestWeights) {
      params.forEach((p, i) => {
        const t = tensors[String(i)];
        if (t === undefined) throw bad(`best weight ${i} of ${params.length} is missing`);
        if (t.dtype !== p.variable.dtype || !tf.util.arraysEqual([...t.shape], [...p.shape])) {
          throw new SteadygradError(
            'INCOMPATIBLE',
            `EarlyStopping state: best weight ${i} is ${t.dtype} [${t.shape}], the model's '${p.name}' is ${p.variable.dtype} [${p.shape}]`,
          );
        }
      });
    }
  }

  setState(state: CallbackState): void {
    this.checkState(state, { parameters: this.parameters() });
    const m = state.meta as EarlyStoppingMeta;
    let copies: Tensor[] | undefined;
    if (m.hasBestWeights) {
      const tensors = state.tensors ?? {};
      const n = this.parameters().length;
      copies = [];
      for (let i = 0; i < n; i++) {
        const t = tensors[String(i)];
        if (t === undefined) {
          throw new SteadygradError(
            'CORRUPT_DATA',
            `EarlyStopping state is missing best weight ${i} of ${n}`,
          );
        }
        copies.push(t);
      }
      copies = copies.map((t) => tf.clone(t));
    }
    this.wait = m.wait;
    this.stoppedEpoch = m.stoppedEpoch;
    this.bestEpoch = m.bestEpoch;
    this.best = m.best ?? undefined;
    this.disposeWeights();
    this.bestWeights = copies;
  }

  /** Frees the kept weights. */
  dispose(): void {
    this.disposeWeights();
  }
}

/** `new EarlyStopping(options)` (Keras `keras.callbacks.EarlyStopping`). */
export function earlyStopping(options: EarlyStoppingOptions = {}): EarlyStopping {
  return new EarlyStopping(options);
}
