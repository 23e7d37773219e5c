import { checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import type { BatchLogs, Callback, TrainingParams } from './callbacks.js';

/** Options of `terminateOnNaN`: where the message goes and whether to throw instead of stopping. */
export interface TerminateOnNaNOptions {
  /** Where the message goes when training is stopped. Default `console.warn`. */
  readonly log?: (message: string) => void;
  /**
   * Throw `SteadygradError('DIVERGED')` with the message from the batch end (so `fit` rejects) instead of
   * stopping training normally. Default `false`: like Keras, `fit` stops and returns its `History`.
   */
  readonly throwError?: boolean;
}

const KEYS = optionKeys<TerminateOnNaNOptions>()(['log', 'throwError']);

/** Where a {@link TerminateOnNaN} stopped training. */
export interface NonFiniteLoss {
  /** Epoch index (0-based; the message shows it 1-based, as the progress bar does). */
  readonly epoch: number;
  /** Batch index within the epoch (0-based). */
  readonly batch: number;
  /** Optimizer steps done in this `fit`, this one included. */
  readonly step: number;
  /** The non-finite value that was seen (`NaN`, `Infinity` or `-Infinity`). */
  readonly loss: number;
  readonly message: string;
}

function describeValue(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/**
 * Keras `TerminateOnNaN`: stops `fit` (sets `trainer.stopTraining`) at the end of the first batch whose loss
 * is NaN or ±Infinity, and says where: `loss is NaN at epoch 3/10, batch 18/1719 (epoch index 2, batch
 * index 17, step 3455): training stopped`. The epoch in progress then ends as usual (its logs, with the
 * non-finite loss, reach `History`); no further epoch runs. The weights are those after the bad step (no
 * rollback here).
 *
 * It reads the batch logs' `loss`: the running mean of the batch losses over the epoch so far (Keras 3),
 * which is non-finite from the first non-finite batch loss on, so the first bad step is caught at that
 * step. **Cost: one device read-back per step** (the batch logs are lazy and cost nothing when no callback
 * reads them) — on a fast backend this serializes every step with the host. A cheaper per-epoch check is
 * the epoch `loss` itself.
 */
export class TerminateOnNaN implements Callback<{ stopTraining: boolean }> {
  /** Set when training was stopped; `undefined` while every loss was finite. */
  stopped: NonFiniteLoss | undefined;
  private trainer: { stopTraining: boolean } | undefined;
  private readonly log: (message: string) => void;
  private readonly throwError: boolean;
  private epochs = 0;
  private steps = 0;
  private epoch = 0;
  private step = 0;

  constructor(options: TerminateOnNaNOptions = {}) {
    checkOptions('terminateOnNaN', options, KEYS);
    const { log = (m: string) => console.warn(m), throwError = false } = options;
    if (typeof log !== 'function') throw new SteadygradError('INVALID_ARGUMENT', 'log must be a function');
    if (typeof throwError !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `throwError must be a boolean, got ${JSON.stringify(throwError)}`,
      );
    }
    this.log = log;
    this.throwError = throwError;
  }

  setTrainer(trainer: { stopTraining: boolean }): void {
    this.trainer = trainer;
  }

  setParams(params: TrainingParams): void {
    this.epochs = params.epochs;
    this.steps = params.steps;
    this.epoch = params.initialEpoch;
  }

  onTrainBegin(): void {
    this.stopped = undefined;
    this.step = 0;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  onBatchEnd(batch: number, logs: BatchLogs): void {
    this.step++;
    const loss = logs.loss;
    if (typeof loss !== 'number' || Number.isFinite(loss)) return;
    const message =
      `loss is ${describeValue(loss)} at epoch ${this.epoch + 1}/${this.epochs}, batch ${batch + 1}/${this.steps} ` +
      `(epoch index ${this.epoch}, batch index ${batch}, step ${this.step}): training stopped`;
    this.stopped = { epoch: this.epoch, batch, step: this.step, loss, message };
    if (this.trainer !== undefined) this.trainer.stopTraining = true;
    if (this.throwError) {
      throw new SteadygradError('DIVERGED', message, {
        details: { epoch: this.epoch, batch, step: this.step },
      });
    }
    this.log(message);
  }
}

/** Keras-style factory: `callbacks: [terminateOnNaN()]`. See {@link TerminateOnNaN}. */
export function terminateOnNaN(options: TerminateOnNaNOptions = {}): TerminateOnNaN {
  return new TerminateOnNaN(options);
}
