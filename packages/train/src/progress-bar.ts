import { checkOptions } from '@steadygrad/core';
import cliProgress from 'cli-progress';
import type { BatchLogs, Callback, Logs, TrainingParams } from './callbacks.js';
import {
  formatEpochEnd,
  formatLogs,
  formatSeconds,
  PROGRESS_BAR_KEYS,
  type ProgressBarOptions,
  type ProgressStream,
} from './log-format.js';

export type { ProgressBarOptions, ProgressStream } from './log-format.js';
export { formatLogs, formatLogValue } from './log-format.js';

/**
 * The terminal progress display of `fit` (Keras `ProgbarLogger`), built on `cli-progress`. With `mode: 1`
 * it prints `Epoch e/E`, then a bar `[====----] step/steps | ETA | loss: … - accuracy: …` refreshed at most
 * every `refreshMs` (each refresh costs one read-back of the running means through the lazy batch logs, so
 * the training step itself never waits for the device), and ends each epoch with a line holding the
 * epoch's duration and its final logs including the validation ones. `mode: 2` prints only that line.
 *
 * `fit` adds one automatically for `verbose: 1 | 2` (and for `'auto'` when stdout is a TTY).
 */
export class ProgressBar implements Callback {
  private readonly mode: 1 | 2;
  private readonly stream: ProgressStream;
  private readonly refreshMs: number;
  private readonly now: () => number;
  private params: TrainingParams | undefined;
  private bar: cliProgress.SingleBar | undefined;
  private epochStart = 0;
  private lastRefresh = Number.NEGATIVE_INFINITY;

  constructor(options: ProgressBarOptions = {}) {
    checkOptions('ProgressBar', options, PROGRESS_BAR_KEYS);
    const { mode = 1, stream = process.stdout, refreshMs = 100, now = () => performance.now() } = options;
    this.mode = mode;
    this.stream = stream;
    this.refreshMs = refreshMs;
    this.now = now;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onEpochBegin(epoch: number): void {
    const epochs = this.params?.epochs ?? epoch + 1;
    this.epochStart = this.now();
    this.lastRefresh = Number.NEGATIVE_INFINITY;
    if (this.mode === 2) return;
    this.stream.write(`Epoch ${epoch + 1}/${epochs}\n`);
    const steps = this.params?.steps ?? 0;
    const width = String(steps).length;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.stream as NodeJS.WritableStream,
        format: `{bar} {step}/{steps} | ETA: {etaText} | {metrics}`,
        barsize: 30,
        barCompleteChar: '=',
        barIncompleteChar: '-',
        hideCursor: null,
        linewrap: null,
        fps: Math.max(1, 1000 / Math.max(1, this.refreshMs)),
        noTTYOutput: false,
        clearOnComplete: true,
        gracefulExit: false,
        synchronousUpdate: true,
      } as cliProgress.Options,
      cliProgress.Presets.legacy,
    );
    this.bar.start(steps, 0, {
      step: '0'.padStart(width),
      steps,
      etaText: '?',
      metrics: '',
    });
  }

  onBatchEnd(batch: number, logs: BatchLogs): void {
    if (this.bar === undefined) return;
    const t = this.now();
    const steps = this.params?.steps ?? batch + 1;
    if (t - this.lastRefresh < this.refreshMs && batch + 1 < steps) return;
    this.lastRefresh = t;
    const done = batch + 1;
    const elapsed = (t - this.epochStart) / 1000;
    const eta = (elapsed / done) * (steps - done);
    const keys = this.params?.metrics.filter((k) => !k.startsWith('val_')) ?? [];
    // Reading the lazy getters here is the (throttled) read-back.
    this.bar.update(done, {
      step: String(done).padStart(String(steps).length),
      steps,
      etaText: formatSeconds(eta),
      metrics: formatLogs(logs, keys),
    });
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const steps = this.params?.steps ?? 0;
    const seconds = (this.now() - this.epochStart) / 1000;
    if (this.bar !== undefined) {
      this.bar.stop();
      this.bar = undefined;
    }
    this.stream.write(
      `${formatEpochEnd(this.mode, epoch, this.params?.epochs ?? epoch + 1, steps, seconds, logs)}\n`,
    );
  }

  onTrainEnd(): void {
    if (this.bar !== undefined) {
      this.bar.stop();
      this.bar = undefined;
    }
  }
}
