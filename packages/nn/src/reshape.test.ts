import { isSteadygradError, RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Reshape, type ReshapeOptions } from './reshape.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('Reshape', () => {
  it.each(kerasCases('Reshape'))('matches Keras 3: $name', (c) => {
    checkAgainstKeras(c, new Reshape(c.options as unknown as ReshapeOptions));
  });

  it('resolves -1 and rejects a target that cannot hold the sample, naming the layer', () => {
    expect(new Reshape({ targetShape: [28, 28, 1] }).computeOutputShape([null, 784])).toEqual([
      null,
      28,
      28,
      1,
    ]);
    expect(new Reshape({ targetShape: [-1, 2] }).computeOutputShape([null, 3, 4])).toEqual([null, 6, 2]);
    let err: unknown;
    try {
      new Reshape({ targetShape: [5, -1], name: 'rs' }).build([null, 12], new RandomStream(0));
    } catch (e) {
      err = e;
    }
    expect(isSteadygradError(err, 'SHAPE_MISMATCH')).toBe(true);
    expect((err as Error).message).toMatch(/layer 'rs' \(Reshape\): cannot reshape samples of shape \(12,\)/);
    expect(() => new Reshape({ targetShape: [-1, -1] })).toThrow(/at most one -1/);
  });
});
