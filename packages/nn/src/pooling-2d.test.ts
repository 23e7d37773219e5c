import { isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { AveragePooling2D, MaxPooling2D, type Pooling2DOptions } from './pooling-2d.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('MaxPooling2D and AveragePooling2D', () => {
  it.each(kerasCases('MaxPooling2D'))('MaxPooling2D matches Keras 3: $name', (c) => {
    checkAgainstKeras(c, new MaxPooling2D(c.options as Pooling2DOptions));
  });

  it.each(kerasCases('AveragePooling2D'))('AveragePooling2D matches Keras 3: $name', (c) => {
    checkAgainstKeras(c, new AveragePooling2D(c.options as Pooling2DOptions));
  });

  it('defaults to a 2×2 window with strides = pool size, valid padding', () => {
    const p = new MaxPooling2D();
    expect([p.poolSize, p.strides, p.padding]).toEqual([[2, 2], [2, 2], 'valid']);
    expect(p.computeOutputShape([null, 7, 7, 3])).toEqual([null, 3, 3, 3]);
    expect(
      new AveragePooling2D({ poolSize: 3, strides: 1, padding: 'same' }).computeOutputShape([null, 7, 5, 3]),
    ).toEqual([null, 7, 5, 3]);
    expect(p.getConfig()).toMatchObject({ poolSize: [2, 2], strides: [2, 2], padding: 'valid' });
  });

  it('rejects a wrong rank and a window larger than the input, naming the layer', () => {
    const before = tf.memory().numTensors;
    for (const [layer, shape, re] of [
      [
        new MaxPooling2D({ name: 'mp' }),
        [null, 28, 28],
        /layer 'mp' \(MaxPooling2D\) needs an input of rank 4/,
      ],
      [
        new AveragePooling2D({ poolSize: 5, name: 'ap' }),
        [null, 4, 9, 1],
        /layer 'ap' \(AveragePooling2D\): its window \(5 on axis 1/,
      ],
    ] as const) {
      let err: unknown;
      try {
        layer.build([...shape], new RandomStream(0));
      } catch (e) {
        err = e;
      }
      expect(isSteadygradError(err, 'SHAPE_MISMATCH')).toBe(true);
      expect((err as Error).message).toMatch(re);
    }
    expect(() => new MaxPooling2D({ pool_size: 3 } as never)).toThrow(/did you mean 'poolSize'/i);
    expect(tf.memory().numTensors).toBe(before);
  });
});
