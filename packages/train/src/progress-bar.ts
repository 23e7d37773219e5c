import cliProgress from 'cli-progress';
import type { BatchLogs, Callback, Logs, TrainingParams } from './callbacks.js';

/** Where the progress output goes: a writable stream (`process.stdout` by default). */
export interface ProgressStream {
  /** Writes a chunk of text. */
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of `ProgressBar`: the display mode and the stream it writes to. */
export interface ProgressBarOptions {
  /**
   * `1`: a live bar per epoch (steps, ETA, running loss and metrics), then the epoch's final line;
   * `2`: one line per epoch only (for logs and CI). Default 1.
   */
  readonly mode?: 1 | 2;
  /** Output stream. Default `process.stdout`. */
  readonly stream?: ProgressStream;
  /** Minimum milliseconds between two bar refreshes (each refresh reads the running means back once). Default 100. */
  readonly refreshMs?: number;
  /** A clock in milliseconds (tests). Default `performance.now`. */
  readonly now?: () => number;
}

/** Formats a log value like Keras's progress bar: 4 significant decimals, exponent form for tiny values. */
export function formatLogValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(4);
  return v.toFixed(4);
}

/** `key: value - key: value`, skipping `batch`, `size` and non-numbers. */
export function formatLogs(logs: Readonly<Record<string, number>>, keys?: readonly string[]): string {
  const parts: string[] = [];
  for (const k of keys ?? Object.keys(logs)) {
    if (k === 'batch' || k === 'size') continue;
    const v = logs[k]; // one read per key (batch logs are lazy getters)
    if (typeof v === 'number') parts.push(`${k}: ${formatLogValue(v)}`);
  }
  return parts.join(' - ');
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  const r = Math.round(s - m * 60);
  return m < 60
    ? `${m}:${String(r).padStart(2, '0')}`
    : `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${String(r).padStart(2, '0')}`;
}

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
    const perStep = steps > 0 ? ` ${formatSeconds(seconds / steps)}/step` : '';
    const prefix = this.mode === 2 ? `Epoch ${epoch + 1}/${this.params?.epochs ?? epoch + 1} - ` : '';
    const body = formatLogs(logs);
    this.stream.write(
      `${prefix}${steps}/${steps} - ${formatSeconds(seconds)}${perStep}${body ? ` - ${body}` : ''}\n`,
    );
  }

  onTrainEnd(): void {
    if (this.bar !== undefined) {
      this.bar.stop();
      this.bar = undefined;
    }
  }
}
