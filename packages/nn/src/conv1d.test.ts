import { isSteadygradError, RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Conv1D, type Conv1DOptions } from './conv1d.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('Conv1D', () => {
  it.each(kerasCases('Conv1D'))('matches Keras 3 forward and gradients: $name', (c) => {
    checkAgainstKeras(c, new Conv1D(c.options as unknown as Conv1DOptions));
  });

  it('has a [k, in, filters] kernel and Keras output lengths for valid, same and causal', () => {
    const layer = new Conv1D({ filters: 4, kernelSize: 5, name: 'c1' });
    layer.build([null, 20, 3], new RandomStream(0));
    expect(layer.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['c1/kernel', [5, 3, 4]],
      ['c1/bias', [4]],
    ]);
    expect(layer.computeOutputShape([null, 20, 3])).toEqual([null, 16, 4]);
    expect(
      new Conv1D({ filters: 1, kernelSize: 3, padding: 'causal', dilationRate: 4 }).computeOutputShape([
        null,
        9,
        2,
      ]),
    ).toEqual([null, 9, 1]);
    expect(
      new Conv1D({ filters: 1, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([null, 9, 2]),
    ).toEqual([null, 5, 1]);
    layer.dispose();
    let err: unknown;
    try {
      new Conv1D({ filters: 1, kernelSize: 3, name: 'c1d' }).build([null, 9, 9, 2], new RandomStream(0));
    } catch (e) {
      err = e;
    }
    expect(isSteadygradError(err, 'SHAPE_MISMATCH')).toBe(true);
    expect((err as Error).message).toMatch(/layer 'c1d' \(Conv1D\) needs an input of rank 3/);
  });
});
