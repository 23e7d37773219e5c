import { SteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { DeviceAccumulator } from './device-accumulator.js';

describe('DeviceAccumulator', () => {
  it('sums contributions on the device and divides by the sample count on read', async () => {
    const before = tf.memory().numTensors;
    const acc = new DeviceAccumulator(['loss', 'accuracy']);
    acc.add(tf.tensor1d([2 * 4, 3]), 4); // batch of 4: mean loss 2, 3 correct
    acc.add(tf.tensor1d([1 * 2, 2]), 2); // batch of 2: mean loss 1, 2 correct
    expect(acc.count).toBe(6);
    expect(await acc.read()).toEqual({ loss: 10 / 6, accuracy: 5 / 6 });
    expect(acc.readSync()).toEqual({ loss: 10 / 6, accuracy: 5 / 6 });
    acc.reset();
    expect(acc.readSync()).toEqual({ loss: Number.NaN, accuracy: Number.NaN });
    acc.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('batch logs are lazy: no read-back unless a key is read, and invalid after the next step', () => {
    const before = tf.memory().numTensors;
    const acc = new DeviceAccumulator(['loss', 'accuracy', 'regularization_loss']);
    acc.add(tf.tensor1d([3, 1, 0]), 2);
    const logs = acc.batchLogs(0, 2, ['loss', 'accuracy']);
    expect(logs.batch).toBe(0);
    expect(logs.size).toBe(2);
    expect(Object.keys(logs)).toEqual(['batch', 'size', 'loss', 'accuracy']);
    expect(logs.loss).toBe(1.5);
    expect({ ...logs }).toEqual({ batch: 0, size: 2, loss: 1.5, accuracy: 0.5 });
    const unread = acc.batchLogs(0, 2);
    acc.add(tf.tensor1d([1, 1, 0]), 2);
    expect(logs.accuracy).toBe(0.5); // cached at first read
    expect(() => unread.loss).toThrow(SteadygradError);
    expect(() => unread.loss).toThrow(/read after the next step started/);
    acc.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects contributions of the wrong length without leaking them', () => {
    const before = tf.memory().numTensors;
    const acc = new DeviceAccumulator(['loss']);
    expect(() => acc.add(tf.tensor1d([1, 2]), 1)).toThrow(/expects \[1\] values \(loss\), got \[2\]/);
    acc.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
