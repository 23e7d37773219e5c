import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrainingParams } from './callbacks.js';
import { ProgressBar } from './progress-bar-browser.js';

const params: TrainingParams = {
  epochs: 2,
  initialEpoch: 0,
  steps: 5,
  batchSize: 4,
  samples: 20,
  verbose: 1,
  metrics: ['loss', 'val_loss'],
};

/** Runs two epochs of 5 steps, 1.5 s each on a fake clock. */
function run(bar: ProgressBar): void {
  let t = 0;
  (bar as unknown as { now: () => number }).now = () => t;
  bar.setParams(params);
  for (const epoch of [0, 1]) {
    bar.onEpochBegin(epoch);
    for (let b = 0; b < 5; b++) bar.onBatchEnd();
    t += 1500;
    bar.onEpochEnd(epoch, { loss: 0.5 - epoch / 10, val_loss: 1e-4 });
  }
  bar.onTrainEnd();
}

afterEach(() => vi.restoreAllMocks());

describe('ProgressBar in a browser bundle', () => {
  it('mode 1 logs the epoch header and the epoch line to the console, one console.log per line', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    run(new ProgressBar());
    expect(log.mock.calls).toEqual([
      ['Epoch 1/2'],
      ['5/5 - 2s 300ms/step - loss: 0.5000 - val_loss: 1.0000e-4'],
      ['Epoch 2/2'],
      ['5/5 - 2s 300ms/step - loss: 0.4000 - val_loss: 1.0000e-4'],
    ]);
  });

  it('mode 2 writes one line per epoch to the given stream', () => {
    const chunks: string[] = [];
    run(new ProgressBar({ mode: 2, stream: { write: (c: string) => chunks.push(c) } }));
    expect(chunks).toEqual([
      'Epoch 1/2 - 5/5 - 2s 300ms/step - loss: 0.5000 - val_loss: 1.0000e-4\n',
      'Epoch 2/2 - 5/5 - 2s 300ms/step - loss: 0.4000 - val_loss: 1.0000e-4\n',
    ]);
  });
});
