import { describe, expect, it } from 'vitest';
import { formatEpochEnd, formatSeconds } from './log-format.js';

describe('progress text', () => {
  it('durations: ms below a second (never "1000ms"), seconds, m:ss, h:mm:ss', () => {
    expect([0.0004, 0.4, 0.9994, 0.9996, 1.4, 59.4, 61, 3725].map(formatSeconds)).toEqual([
      '0ms',
      '400ms',
      '999ms',
      '1s',
      '1s',
      '59s',
      '1:01',
      '1:02:05',
    ]);
    expect(formatSeconds(Number.NaN)).toBe('?');
  });

  it('the epoch line: an Epoch prefix only in mode 2', () => {
    expect(formatEpochEnd(1, 0, 3, 10, 2, { loss: 0.25 })).toBe('10/10 - 2s 200ms/step - loss: 0.2500');
    expect(formatEpochEnd(2, 2, 3, 10, 2, { loss: 0.25, val_loss: 1e-6 })).toBe(
      'Epoch 3/3 - 10/10 - 2s 200ms/step - loss: 0.2500 - val_loss: 1.0000e-6',
    );
  });
});
