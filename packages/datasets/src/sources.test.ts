import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { makeSplit } from './image-split.js';
import { imageSource, labelSource, toSources } from './sources.js';

// Three 2×2 images.
const split = makeSplit(
  Uint8Array.from([0, 255, 51, 102, /**/ 10, 20, 30, 40, /**/ 1, 2, 3, 4]),
  Uint8Array.from([7, 0, 3]),
  [2, 2],
);

describe('batch sources over a split', () => {
  it('keeps uint8 pixels and scales by 1/255 only when a batch is taken', () => {
    const before = tf.memory().numTensors;
    const x = imageSource(split);
    expect(x).toMatchObject({ size: 3, shape: [2, 2], dtype: 'float32' });
    expect(x.values).toBe(split.images);
    const b = x.batch([1, 0]);
    expect(b.shape).toEqual([2, 2, 2]);
    expect(Array.from(b.dataSync())).toEqual(
      [10, 20, 30, 40, 0, 255, 51, 102].map((v) => Math.fround(v / 255)),
    );
    b.dispose();
    const flat = imageSource(split, { flatten: true, scale: 2, offset: -1 }).batch([2]);
    expect(flat.shape).toEqual([1, 4]);
    expect(Array.from(flat.dataSync())).toEqual([1, 3, 5, 7]);
    flat.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives int32 labels by default, float32 columns on request', () => {
    const before = tf.memory().numTensors;
    const y = labelSource(split).batch([2, 0, 1]);
    expect(y.dtype).toBe('int32');
    expect(y.shape).toEqual([3]);
    expect(Array.from(y.dataSync())).toEqual([3, 7, 0]);
    y.dispose();
    const col = labelSource(split, { dtype: 'float32', expandDims: true }).batch([0, 1]);
    expect(col.dtype).toBe('float32');
    expect(col.shape).toEqual([2, 1]);
    expect(Array.from(col.dataSync())).toEqual([7, 0]);
    col.dispose();
    const { x, y: ys } = toSources(split, { images: { flatten: true } });
    expect([x.size, ys.size, x.shape, ys.shape]).toEqual([3, 3, [4], []]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => labelSource(split, { dtype: 'bool' as 'int32' })).toThrow(
      `dtype must be one of 'int32', 'float32', got "bool"`,
    );
    expect(() => imageSource(split, { scale: Number.NaN })).toThrow('scale must be a finite number, got NaN');
  });
});
