import { RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { SeparableConv2D, type SeparableConv2DOptions } from './separable-conv2d.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

describe('SeparableConv2D', () => {
  it.each(kerasCases('SeparableConv2D'))('matches Keras 3 forward and gradients: $name', (c) => {
    checkAgainstKeras(c, new SeparableConv2D(c.options as unknown as SeparableConv2DOptions));
  });

  it('has a depthwise, a pointwise kernel and a bias, in Keras order', () => {
    const layer = new SeparableConv2D({ filters: 8, kernelSize: 3, depthMultiplier: 2, name: 'sep' });
    layer.build([null, 9, 9, 4], new RandomStream(0));
    expect(layer.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['sep/depthwise_kernel', [3, 3, 4, 2]],
      ['sep/pointwise_kernel', [1, 1, 8, 8]],
      ['sep/bias', [8]],
    ]);
    expect(layer.countParams()).toBe(72 + 64 + 8);
    expect(layer.computeOutputShape([null, 9, 9, 4])).toEqual([null, 7, 7, 8]);
    layer.dispose();
  });
});
