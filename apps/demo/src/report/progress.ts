// The report's progress display (stderr): which experiments run, for how long, and an estimate of the time
// left — from the cached runtimes of earlier runs of the same experiment and profile, else from built-in
// guesses. On a terminal one status line is redrawn every second; otherwise a line is written when an
// experiment starts or ends, and a heartbeat every minute.

/**
 * Built-in guesses of an experiment's wall-clock seconds on one CPU thread, before any run was cached (and what
 * a notebook report quotes for a notebook run it shows the quick run of). Quick: measured on the 2-core
 * development machine (wasm) on 2026-12-07. Notebook: as apps/demo/README.md#profiles gives them (measured for
 * mlp, transfer and transfer-cnn, otherwise estimated from measured seconds per epoch, as each experiment's doc
 * comment says), except mc-dropout and pretraining, whose README figures are below their measured quick runs
 * (guessed from those, scaled by seeds and epochs). summary, clipping, deep-stats, lr-finder and resume run the
 * same settings under both profiles.
 */
export const BUILT_IN_ESTIMATES: Readonly<
  Record<string, { readonly notebook: number; readonly quick: number }>
> = {
  mlp: { notebook: 570, quick: 110 },
  summary: { notebook: 5, quick: 5 },
  bn: { notebook: 600, quick: 200 },
  optimizers: { notebook: 2700, quick: 180 },
  clipping: { notebook: 55, quick: 55 },
  regularization: { notebook: 540, quick: 200 },
  'mc-dropout': { notebook: 600, quick: 180 },
  'deep-stats': { notebook: 10, quick: 10 },
  activations: { notebook: 13700, quick: 200 },
  transfer: { notebook: 872, quick: 70 },
  pretraining: { notebook: 1800, quick: 120 },
  schedules: { notebook: 3600, quick: 390 },
  'lr-finder': { notebook: 15, quick: 15 },
  resume: { notebook: 25, quick: 25 },
  cnn: { notebook: 3600, quick: 300 },
  'transfer-cnn': { notebook: 325, quick: 200 },
};

/** A duration as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** One experiment the display follows, with its estimated seconds and where the estimate comes from. */
export interface ProgressItem {
  readonly experiment: string;
  readonly estimate: number;
  readonly estimateFrom: 'cache' | 'built-in';
}

/**
 * Seconds left: the pending items' estimates plus what the running ones still need (their estimate minus
 * the time they have run, at least 0), spread over `jobs` parallel runs.
 */
export function secondsLeft(
  pending: readonly ProgressItem[],
  running: readonly { readonly item: ProgressItem; readonly elapsed: number }[],
  jobs: number,
): number {
  const work =
    pending.reduce((s, p) => s + p.estimate, 0) +
    running.reduce((s, r) => s + Math.max(0, r.item.estimate - r.elapsed), 0);
  return work / Math.max(1, Math.min(jobs, pending.length + running.length));
}

/** The progress display. `write` defaults to stderr; `tty` to whether stderr is a terminal. */
export class Progress {
  private readonly pending: ProgressItem[];
  private readonly running = new Map<string, { item: ProgressItem; started: number }>();
  private done = 0;
  private readonly total: number;
  private readonly started: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastHeartbeat: number;

  constructor(
    items: readonly ProgressItem[],
    private readonly jobs: number,
    private readonly write: (text: string) => void = (t) => process.stderr.write(t),
    private readonly tty: boolean = process.stderr.isTTY === true,
    private readonly now: () => number = Date.now,
  ) {
    this.pending = [...items];
    this.total = items.length;
    this.started = now();
    this.lastHeartbeat = now();
  }

  /** The status line: done/total, what runs and for how long, the estimate of the time left. */
  status(): string {
    const t = this.now();
    const running = [...this.running.values()].map((r) => ({
      item: r.item,
      elapsed: (t - r.started) / 1000,
    }));
    const what = running.map((r) => `${r.item.experiment} ${formatDuration(r.elapsed)}`).join(', ');
    const guessed = [...this.pending, ...running.map((r) => r.item)].some(
      (i) => i.estimateFrom === 'built-in',
    );
    const left = secondsLeft(this.pending, running, this.jobs);
    return `report: ${this.done}/${this.total} done${what ? `; running ${what}` : ''}; elapsed ${formatDuration((t - this.started) / 1000)}, about ${formatDuration(left)} left${guessed ? ' (partly guessed: no cached runtime yet)' : ''}`;
  }

  private redraw(): void {
    if (this.tty) this.write(`\r\x1b[2K${this.status()}`);
    else if (this.now() - this.lastHeartbeat >= 60_000) {
      this.lastHeartbeat = this.now();
      this.write(`${this.status()}\n`);
    }
  }

  /** An experiment starts. */
  start(experiment: string): void {
    const i = this.pending.findIndex((p) => p.experiment === experiment);
    const [item] =
      i >= 0 ? this.pending.splice(i, 1) : [{ experiment, estimate: 0, estimateFrom: 'built-in' as const }];
    this.running.set(experiment, { item: item as ProgressItem, started: this.now() });
    if (!this.tty)
      this.write(
        `report: ${experiment} started (estimate ${formatDuration((item as ProgressItem).estimate)}); ${this.status()}\n`,
      );
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref?.();
    }
    this.redraw();
  }

  /** An experiment ends (`error` when it failed). */
  finish(experiment: string, seconds: number, error?: string): void {
    this.running.delete(experiment);
    this.done++;
    const line = `report: ${experiment} ${error === undefined ? 'done' : `FAILED (${error})`} in ${formatDuration(seconds)}`;
    this.write(this.tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
    this.redraw();
  }

  /** Stops redrawing (and ends the status line on a terminal). */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.write(`\r\x1b[2K${this.status()}\n`);
  }
}
