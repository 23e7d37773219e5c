import { arraySource, RandomStream, SteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import {
  asSource,
  batchBounds,
  epochOrder,
  epochStreams,
  sliceSource,
  splitLast,
  stepsPerEpoch,
} from './batching.js';

describe('batching', () => {
  it('splits off the LAST fraction before shuffling, like Keras (ceil of the training part)', () => {
    const x = arraySource(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), []);
    const y = arraySource(Int32Array.from([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]), [], { dtype: 'int32' });
    const { train, validation } = splitLast(x, y, 0.25); // ceil(10 · 0.75) = 8
    expect(train[0].size).toBe(8);
    expect(validation[0].size).toBe(2);
    const before = tf.memory().numTensors;
    const vb = validation[1].batch([0, 1]);
    expect(Array.from(vb.dataSync())).toEqual([18, 19]);
    vb.dispose();
    expect(Array.from(validation[0].values ?? [])).toEqual([8, 9]);
    expect(() => validation[0].batch([2])).toThrow(/sample index 2 is outside \[0, 2\)/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => splitLast(x, y, 0)).toThrow(/validationSplit must be a finite number > 0 < 1, got 0/);
    expect(() => splitLast(x, y, 1)).toThrow(SteadygradError);
    expect(() => splitLast(x, y, 0.01)).toThrow(/leaves 10 for training and 0 for validation/);
  });

  it('slices tensor sources and keeps the whole source when the slice is everything', () => {
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const src = asSource('x', t);
    expect(sliceSource(src, 0, 3)).toBe(src);
    const b = sliceSource(src, 1, 3).batch([1, 0]);
    expect(b.arraySync()).toEqual([
      [5, 6],
      [3, 4],
    ]);
    tf.dispose([t, b]);
    expect(() => asSource('x', [1, 2, 3])).toThrow(/x must be a tensor or a BatchSource/);
  });

  it('orders, counts and bounds batches (last batch smaller, batch larger than the data allowed)', () => {
    expect(stepsPerEpoch(10, 4)).toBe(3);
    expect(stepsPerEpoch(3, 32)).toBe(1);
    expect(batchBounds(10, 4, 2)).toEqual([8, 10]);
    expect(Array.from(epochOrder(4, false, new RandomStream(0)))).toEqual([0, 1, 2, 3]);
    const p = epochOrder(50, true, new RandomStream(1));
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('per-epoch streams depend only on (seed, epoch)', () => {
    const a = epochStreams(7, 3);
    const b = epochStreams(7, 3);
    expect(a.shuffle.getState()).toEqual(b.shuffle.getState());
    expect(a.layers.getState()).toEqual(b.layers.getState());
    expect(a.shuffle.getState()).not.toEqual(a.layers.getState());
    expect(epochStreams(7, 2).shuffle.getState()).not.toEqual(a.shuffle.getState());
    expect(epochStreams(8, 3).shuffle.getState()).not.toEqual(a.shuffle.getState());
  });
});
