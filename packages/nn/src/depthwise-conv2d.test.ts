import { isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { DepthwiseConv2D, type DepthwiseConv2DOptions } from './depthwise-conv2d.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('DepthwiseConv2D', () => {
  it.each(kerasCases('DepthwiseConv2D'))('matches Keras 3 forward and gradients: $name', (c) => {
    checkAgainstKeras(c, new DepthwiseConv2D(c.options as unknown as DepthwiseConv2DOptions));
  });

  it('names its kernel depthwise_kernel [kh, kw, in, multiplier] and multiplies the channels', () => {
    const layer = new DepthwiseConv2D({ kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'dw' });
    layer.build([null, 5, 5, 3], new RandomStream(0));
    expect(layer.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['dw/depthwise_kernel', [3, 3, 3, 2]],
      ['dw/bias', [6]],
    ]);
    expect(layer.computeOutputShape([null, 5, 5, 3])).toEqual([null, 5, 5, 6]);
    expect(layer.getConfig()).toMatchObject({ kernelSize: [3, 3], depthMultiplier: 2, padding: 'same' });
    layer.dispose();
  });

  it('rejects a wrong rank and a window larger than the input, naming the layer, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const layer = new DepthwiseConv2D({ kernelSize: 4, name: 'dw_bad' });
    for (const shape of [
      [null, 8, 3],
      [null, 3, 8, 2],
    ]) {
      let err: unknown;
      try {
        layer.build(shape, new RandomStream(0));
      } catch (e) {
        err = e;
      }
      expect(isSteadygradError(err, 'SHAPE_MISMATCH')).toBe(true);
      expect((err as Error).message).toMatch(/layer 'dw_bad' \(DepthwiseConv2D\)/);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(() => new DepthwiseConv2D({ kernelSize: 3, depth_multiplier: 2 } as never)).toThrow(
      /did you mean 'depthMultiplier'/i,
    );
  });
});
