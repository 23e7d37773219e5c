import { describe, expect, it } from 'vitest';
import { GlobalAveragePooling2D, GlobalMaxPooling2D } from './global-pooling-2d.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('GlobalAveragePooling2D and GlobalMaxPooling2D', () => {
  it.each(kerasCases('GlobalAveragePooling2D'))('GlobalAveragePooling2D matches Keras 3: $name', (c) => {
    checkAgainstKeras(c, new GlobalAveragePooling2D(c.options));
  });

  it.each(kerasCases('GlobalMaxPooling2D'))('GlobalMaxPooling2D matches Keras 3: $name', (c) => {
    checkAgainstKeras(c, new GlobalMaxPooling2D(c.options));
  });

  it('drops the spatial axes unless keepdims', () => {
    expect(new GlobalAveragePooling2D().computeOutputShape([null, 7, 7, 16])).toEqual([null, 16]);
    expect(new GlobalMaxPooling2D({ keepdims: true }).computeOutputShape([null, 7, 7, 16])).toEqual([
      null,
      1,
      1,
      16,
    ]);
  });
});
