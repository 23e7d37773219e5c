import { describe, expect, it } from 'vitest';
import type { BatchLogs, TrainingParams } from './callbacks.js';
import { formatLogs, formatLogValue, ProgressBar } from './progress-bar.js';

class FakeStream {
  chunks: string[] = [];
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
  ) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const params: TrainingParams = {
  epochs: 2,
  initialEpoch: 0,
  steps: 5,
  batchSize: 4,
  samples: 20,
  verbose: 1,
  metrics: ['loss', 'accuracy', 'val_loss', 'val_accuracy'],
};

function lazyLogs(batch: number, reads: { n: number }): BatchLogs {
  const logs = { batch, size: 4 } as Record<string, number>;
  Object.defineProperty(logs, 'loss', {
    enumerable: true,
    get: () => {
      reads.n++;
      return 0.5;
    },
  });
  Object.defineProperty(logs, 'accuracy', { enumerable: true, get: () => 0.75 });
  return logs as BatchLogs;
}

describe('formatting', () => {
  it('formats values like Keras (4 decimals, exponent for tiny ones)', () => {
    expect(formatLogValue(0.123456)).toBe('0.1235');
    expect(formatLogValue(1.5e-5)).toBe('1.5000e-5');
    expect(formatLogValue(Number.NaN)).toBe('NaN');
    expect(formatLogs({ batch: 1, size: 2, loss: 1, accuracy: 0.5 })).toBe('loss: 1.0000 - accuracy: 0.5000');
  });
});

describe('ProgressBar', () => {
  it('on a TTY: epoch header, throttled bar refreshes (lazy reads), final epoch line with validation logs', () => {
    const stream = new FakeStream(true);
    let t = 0;
    const bar = new ProgressBar({ stream, refreshMs: 100, now: () => t });
    bar.setParams(params);
    bar.onEpochBegin(0);
    const reads = { n: 0 };
    for (let b = 0; b < 5; b++) {
      t += 30; // 30 ms per step: refreshes at steps 0, 4 (≥ 100 ms later) and the last one
      bar.onBatchEnd(b, lazyLogs(b, reads));
    }
    expect(reads.n).toBe(2);
    t = 1500;
    bar.onEpochEnd(0, { loss: 0.5, accuracy: 0.75, val_loss: 0.6, val_accuracy: 0.7 });
    const text = stream.text;
    expect(text).toContain('Epoch 1/2\n');
    expect(text).toContain('5/5 | ETA: 0ms | loss: 0.5000 - accuracy: 0.7500');
    expect(text).toContain(
      '5/5 - 2s 300ms/step - loss: 0.5000 - accuracy: 0.7500 - val_loss: 0.6000 - val_accuracy: 0.7000\n',
    );
  });

  it('mode 2 prints one line per epoch and never reads batch logs', () => {
    const stream = new FakeStream(false);
    let t = 0;
    const bar = new ProgressBar({ mode: 2, stream, now: () => t });
    bar.setParams(params);
    bar.onEpochBegin(1);
    const reads = { n: 0 };
    for (let b = 0; b < 5; b++) bar.onBatchEnd(b, lazyLogs(b, reads));
    t = 250;
    bar.onEpochEnd(1, { loss: 0.25 });
    expect(reads.n).toBe(0);
    expect(stream.text).toBe('Epoch 2/2 - 5/5 - 250ms 50ms/step - loss: 0.2500\n');
  });

  it('on a non-TTY stream in mode 1 the bar stays silent but the epoch lines are written', () => {
    const stream = new FakeStream(false);
    const bar = new ProgressBar({ stream, now: () => 0 });
    bar.setParams(params);
    bar.onEpochBegin(0);
    bar.onBatchEnd(0, lazyLogs(0, { n: 0 }));
    bar.onEpochEnd(0, { loss: 1 });
    expect(stream.text).toBe('Epoch 1/2\n5/5 - 0ms 0ms/step - loss: 1.0000\n');
  });
});
