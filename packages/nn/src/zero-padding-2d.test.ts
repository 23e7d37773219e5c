import { isSteadygradError } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';
import { ZeroPadding2D, type ZeroPadding2DOptions } from './zero-padding-2d.js';

describe('ZeroPadding2D', () => {
  it.each(kerasCases('ZeroPadding2D'))('matches Keras 3: $name', (c) => {
    checkAgainstKeras(c, new ZeroPadding2D(c.options as ZeroPadding2DOptions));
  });

  it('accepts p, [rows, cols] and [[top, bottom], [left, right]]', () => {
    expect(new ZeroPadding2D().padding).toEqual([
      [1, 1],
      [1, 1],
    ]);
    expect(new ZeroPadding2D({ padding: [2, 0] }).padding).toEqual([
      [2, 2],
      [0, 0],
    ]);
    expect(
      new ZeroPadding2D({
        padding: [
          [0, 1],
          [2, 3],
        ],
      }).computeOutputShape([null, 5, 5, 1]),
    ).toEqual([null, 6, 10, 1]);
    let err: unknown;
    try {
      new ZeroPadding2D({ padding: -1 as never, name: 'zp' });
    } catch (e) {
      err = e;
    }
    expect(isSteadygradError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect((err as Error).message).toMatch(/layer 'zp' \(ZeroPadding2D\): padding must be/);
  });
});
