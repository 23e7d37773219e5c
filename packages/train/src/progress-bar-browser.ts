import { checkOptions } from '@steadygrad/core';
import type { Callback, Logs, TrainingParams } from './callbacks.js';
import {
  formatEpochEnd,
  PROGRESS_BAR_KEYS,
  type ProgressBarOptions,
  type ProgressStream,
} from './log-format.js';
import type { ProgressBar as NodeProgressBar } from './progress-bar.js';

export type { ProgressBarOptions, ProgressStream } from './log-format.js';
export { formatLogs, formatLogValue } from './log-format.js';

/** Writes each complete line to `console.log` (a console cannot redraw a bar in place). */
function consoleStream(): ProgressStream {
  let pending = '';
  return {
    write(chunk: string) {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        console.log(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      return true;
    },
  };
}

/**
 * `fit`'s progress display in a browser bundle (the `"default"` condition of `@steadygrad/train`'s
 * `#progress-bar` import; Node gets the `cli-progress` terminal bar). A console cannot redraw a line, so there
 * is no live bar: `mode: 1` prints `Epoch e/E` when an epoch begins and the epoch's line when it ends, `mode: 2`
 * only the line `Epoch e/E - steps/steps - time - loss: … - val_loss: …`. Output goes to `console.log`, or to
 * `stream` when given. The options and the lines are the Node version's.
 */
export class ProgressBar implements Callback {
  private readonly mode: 1 | 2;
  private readonly stream: ProgressStream;
  private readonly now: () => number;
  private params: TrainingParams | undefined;
  private epochStart = 0;

  constructor(options: ProgressBarOptions = {}) {
    checkOptions('ProgressBar', options, PROGRESS_BAR_KEYS);
    const { mode = 1, stream = consoleStream(), now = () => performance.now() } = options;
    this.mode = mode;
    this.stream = stream;
    this.now = now;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onEpochBegin(epoch: number): void {
    this.epochStart = this.now();
    if (this.mode === 1) this.stream.write(`Epoch ${epoch + 1}/${this.params?.epochs ?? epoch + 1}\n`);
  }

  /** No live bar in a console: the running means are not read back during an epoch. */
  onBatchEnd(): void {}

  onEpochEnd(epoch: number, logs: Logs): void {
    const seconds = (this.now() - this.epochStart) / 1000;
    const steps = this.params?.steps ?? 0;
    this.stream.write(
      `${formatEpochEnd(this.mode, epoch, this.params?.epochs ?? epoch + 1, steps, seconds, logs)}\n`,
    );
  }

  onTrainEnd(): void {}
}

// Both conditions of `#progress-bar` must offer the same API (the declared types are the Node module's).
const sameApi: new (options?: ProgressBarOptions) => Omit<NodeProgressBar, never> = ProgressBar;
void sameApi;
