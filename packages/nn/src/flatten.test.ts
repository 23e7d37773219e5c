import { RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Flatten } from './flatten.js';

describe('Flatten', () => {
  it('flattens each sample row-major and has no parameters', () => {
    const layer = new Flatten({ inputShape: [2, 3] });
    expect(layer.inputShapeOption).toEqual([2, 3]);
    layer.build([null, 2, 3], new RandomStream(0));
    expect(layer.computeOutputShape([null, 2, 3])).toEqual([null, 6]);
    expect(layer.countParams()).toBe(0);
    const x = tf.tensor3d([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [7, 8, 9],
        [10, 11, 12],
      ],
    ]);
    const before = tf.memory().numTensors;
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 6]);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const bad = tf.ones([2, 3, 2]);
    expect(() => layer.apply(bad)).toThrow(
      /layer 'flatten' \(Flatten\) expects input shape \(None, 2, 3\), got \[2, 3, 2\]/,
    );
    tf.dispose([x, bad]);
  });

  it('computes unknown sizes as null and rank-1 inputs as [batch, 1]', () => {
    const layer = new Flatten();
    expect(layer.computeOutputShape([null, null, 3])).toEqual([null, null]);
    expect(layer.computeOutputShape([null])).toEqual([null, 1]);
    layer.build([null], new RandomStream(0));
    const x = tf.tensor1d([1, 2, 3]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([3, 1]);
    tf.dispose([x, y]);
  });
});
