import { checkNumber, checkOneOf, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import {
  type CallbackState,
  type CheckedCallbackState,
  isCount,
  type StatefulCallback,
} from './callback-state.js';
import type { Callback, Logs } from './callbacks.js';
import { currentLearningRate, type LearningRateTarget, setLearningRate } from './lr-access.js';
import { type MonitorMode, monitorValue, resolveMode } from './monitor.js';

/** Options of `reduceLROnPlateau` (Keras `ReduceLROnPlateau`, camelCase). */
export interface ReduceLROnPlateauOptions {
  /** Log key to watch. Default `'val_loss'`. */
  readonly monitor?: string;
  /** New rate = rate · factor; must be in (0, 1). Default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement (see `thresholdMode`). Default 1e-4. */
  readonly minDelta?: number;
  /** Epochs to wait after a reduction before counting again. Default 0. */
  readonly cooldown?: number;
  /** Lower bound of the learning rate. Default 0. */
  readonly minLr?: number;
  /** `'min'`, `'max'` or `'auto'` (max for names containing `acc`). Default `'auto'`. */
  readonly mode?: MonitorMode;
  /**
   * `'abs'` (Keras): improvement means `current < best − minDelta` (`> best + minDelta` for max);
   * `'rel'` (PyTorch's default): `current < best · (1 − minDelta)` (`> best · (1 + minDelta)` for max).
   * Default `'abs'`.
   */
  readonly thresholdMode?: 'abs' | 'rel';
  /**
   * The counting rule. `'keras'` (default): reduce when `wait >= patience`; during cooldown `wait` is held at
   * 0. `'pytorch'`: `torch.optim.lr_scheduler.ReduceLROnPlateau.step` — reduce when `bad_epochs > patience`,
   * and a reduction smaller than 1e-8 is skipped.
   */
  readonly rule?: 'keras' | 'pytorch';
}

const KEYS = optionKeys<ReduceLROnPlateauOptions>()([
  'monitor',
  'factor',
  'patience',
  'minDelta',
  'cooldown',
  'minLr',
  'mode',
  'thresholdMode',
  'rule',
]);

interface PlateauMeta {
  best: number;
  wait: number;
  cooldownCounter: number;
}

/**
 * Performance scheduling (seed cell 29: `ReduceLROnPlateau(factor=0.5, patience=5)`): multiplies the learning
 * rate by `factor` when the monitored quantity has stopped improving. With Keras's rule (the default), at the
 * end of every epoch, with `current` the monitored value:
 *
 * 1. if in cooldown (`cooldownCounter > 0`): `cooldownCounter −= 1`, `wait = 0`;
 * 2. if `current` improves on `best` (`current < best − minDelta` for `'min'`): `best = current`, `wait = 0`;
 * 3. else, if not in cooldown: `wait += 1`; when `wait >= patience` and `lr > minLr`:
 *    `lr = max(lr · factor, minLr)`, `cooldownCounter = cooldown`, `wait = 0`.
 *
 * `best` starts at +∞ (−∞ for `'max'`). PyTorch differs: relative threshold by default (`thresholdMode:
 * 'rel'`) and a reduction after `patience + 1` bad epochs (`rule: 'pytorch'`). The state (`best`, `wait`,
 * `cooldownCounter`) is saved in checkpoints, so a resumed run reduces at the same epochs.
 *
 * Invalid options (factor >= 1, negative patience, ...) are `INVALID_ARGUMENT`.
 */
export class ReduceLROnPlateau implements Callback<LearningRateTarget>, StatefulCallback {
  readonly stateName = 'reduceLROnPlateau';
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  readonly mode: MonitorMode;
  readonly thresholdMode: 'abs' | 'rel';
  readonly rule: 'keras' | 'pytorch';
  /** Best monitored value so far. */
  best = Number.POSITIVE_INFINITY;
  /** Epochs since the last improvement (Keras `wait`, PyTorch `num_bad_epochs`). */
  wait = 0;
  cooldownCounter = 0;
  private trainer: LearningRateTarget | undefined;
  private direction: 'min' | 'max';

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkOptions('reduceLROnPlateau', options, KEYS);
    const {
      monitor = 'val_loss',
      factor = 0.1,
      patience = 10,
      minDelta = 1e-4,
      cooldown = 0,
      minLr = 0,
      mode = 'auto',
      thresholdMode = 'abs',
      rule = 'keras',
    } = options;
    if (typeof monitor !== 'string' || monitor === '') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `monitor must be a log key such as 'val_loss', got ${JSON.stringify(monitor)}`,
      );
    }
    if (typeof factor === 'number' && factor >= 1) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `ReduceLROnPlateau does not support a factor >= 1 (it would not reduce), got ${factor}; expected a number in (0, 1)`,
      );
    }
    this.monitor = monitor;
    this.factor = checkNumber('factor', factor, { above: 0, below: 1 });
    this.patience = checkNumber('patience', patience, { min: 0, integer: true });
    this.minDelta = checkNumber('minDelta', minDelta, { min: 0 });
    this.cooldown = checkNumber('cooldown', cooldown, { min: 0, integer: true });
    this.minLr = checkNumber('minLr', minLr, { min: 0 });
    this.thresholdMode = checkOneOf('thresholdMode', thresholdMode, ['abs', 'rel'] as const);
    this.rule = checkOneOf('rule', rule, ['keras', 'pytorch'] as const);
    this.mode = mode;
    this.direction = resolveMode('ReduceLROnPlateau', mode, monitor);
    this.reset();
  }

  private reset(): void {
    this.best = this.direction === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  /** Whether `current` improves on `best` by more than the threshold. */
  isImprovement(current: number, best: number): boolean {
    const d = this.minDelta;
    if (this.thresholdMode === 'abs')
      return this.direction === 'min' ? current < best - d : current > best + d;
    return this.direction === 'min' ? current < best * (1 - d) : current > best * (1 + d);
  }

  setTrainer(trainer: LearningRateTarget): void {
    this.trainer = trainer;
  }

  onTrainBegin(): void {
    this.reset();
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    this.step(monitorValue('ReduceLROnPlateau', this.monitor, logs));
  }

  /**
   * One epoch's update with the monitored value `current`; returns the new learning rate when it was
   * reduced, else `undefined`. (Called by `onEpochEnd`; public for tests and manual loops.)
   */
  step(current: number, lr?: number): number | undefined {
    const rate = () => lr ?? currentLearningRate('ReduceLROnPlateau', this.trainer);
    const apply = (next: number) => {
      if (lr === undefined) setLearningRate('ReduceLROnPlateau', this.trainer, next);
      return next;
    };
    if (this.rule === 'keras') {
      if (this.cooldownCounter > 0) {
        this.cooldownCounter -= 1;
        this.wait = 0;
      }
      if (this.isImprovement(current, this.best)) {
        this.best = current;
        this.wait = 0;
      } else if (this.cooldownCounter <= 0) {
        this.wait += 1;
        if (this.wait >= this.patience) {
          const old = rate();
          if (old > this.minLr) {
            this.cooldownCounter = this.cooldown;
            this.wait = 0;
            return apply(Math.max(old * this.factor, this.minLr));
          }
        }
      }
      return undefined;
    }
    // PyTorch 1.13 ReduceLROnPlateau.step
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else {
      this.wait += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.wait = 0;
    }
    if (this.wait > this.patience) {
      this.cooldownCounter = this.cooldown;
      this.wait = 0;
      const old = rate();
      const next = Math.max(old * this.factor, this.minLr);
      if (old - next > 1e-8) return apply(next);
    }
    return undefined;
  }

  getState(): CallbackState {
    const meta: PlateauMeta = { best: this.best, wait: this.wait, cooldownCounter: this.cooldownCounter };
    return { meta };
  }

  checkState(state: CheckedCallbackState): void {
    const m = state?.meta as Partial<PlateauMeta> | undefined;
    const ok =
      typeof m === 'object' &&
      m !== null &&
      typeof m.best === 'number' &&
      !Number.isNaN(m.best) &&
      isCount(m.wait) &&
      isCount(m.cooldownCounter) &&
      Object.keys(state.tensors ?? {}).length === 0;
    if (!ok) {
      throw new SteadygradError(
        'CORRUPT_DATA',
        `ReduceLROnPlateau state must be { best: number (not NaN), wait: integer >= 0, cooldownCounter: integer >= 0 } and no tensors, got ${JSON.stringify(m)?.slice(0, 120)}`,
      );
    }
  }

  setState(state: CallbackState): void {
    this.checkState(state);
    const m = state.meta as PlateauMeta;
    this.best = m.best;
    this.wait = m.wait;
    this.cooldownCounter = m.cooldownCounter;
  }
}

/** `new ReduceLROnPlateau(options)` (Keras `keras.callbacks.ReduceLROnPlateau`). */
export function reduceLROnPlateau(options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau {
  return new ReduceLROnPlateau(options);
}
