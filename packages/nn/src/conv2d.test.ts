import { isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Conv2D, type Conv2DOptions } from './conv2d.js';
import { checkAgainstKeras, kerasCases } from './test-utils/keras-conv-cases.js';

function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('Conv2D', () => {
  it.each(kerasCases('Conv2D'))('matches Keras 3 forward and gradients: $name', (c) => {
    checkAgainstKeras(c, new Conv2D(c.options as unknown as Conv2DOptions));
  });

  it('has Keras defaults, parameter names, shapes and output shape', () => {
    const layer = new Conv2D({ filters: 8, kernelSize: 3, name: 'c' });
    expect([layer.strides, layer.padding, layer.dilationRate, layer.groups, layer.useBias]).toEqual([
      [1, 1],
      'valid',
      [1, 1],
      1,
      true,
    ]);
    layer.build([null, 28, 28, 1], new RandomStream(0));
    expect(layer.parameters.map((p) => [p.name, p.shape])).toEqual([
      ['c/kernel', [3, 3, 1, 8]],
      ['c/bias', [8]],
    ]);
    expect(layer.countParams()).toBe(80);
    expect(layer.computeOutputShape([null, 28, 28, 1])).toEqual([null, 26, 26, 8]);
    expect(
      new Conv2D({ filters: 2, kernelSize: 3, strides: 2, padding: 'same' }).computeOutputShape([
        null,
        7,
        8,
        1,
      ]),
    ).toEqual([null, 4, 4, 2]);
    layer.dispose();
  });

  it('draws a glorot_uniform kernel with the conv fans (receptive field × channels) and is seeded', () => {
    const a = new Conv2D({ filters: 64, kernelSize: 5 });
    const b = new Conv2D({ filters: 64, kernelSize: 5 });
    a.build([null, 12, 12, 32], new RandomStream(3));
    b.build([null, 12, 12, 32], new RandomStream(3));
    const values = a.kernel.variable.dataSync();
    expect(Array.from(values)).toEqual(Array.from(b.kernel.variable.dataSync()));
    const limit = Math.sqrt(6 / (25 * 32 + 25 * 64));
    let max = 0;
    let sq = 0;
    for (const v of values) {
      max = Math.max(max, Math.abs(v));
      sq += v * v;
    }
    expect(max).toBeLessThanOrEqual(limit);
    expect(max).toBeGreaterThan(limit * 0.99);
    expect(Math.sqrt(sq / values.length)).toBeCloseTo(limit / Math.sqrt(3), 3);
    a.dispose();
    b.dispose();
  });

  it('rejects bad options and inputs with typed errors naming the layer, leaking nothing', () => {
    expect(
      isSteadygradError(
        caught(() => new Conv2D({ filters: 2, kernelSize: 3, kernel_size: 3 } as never)),
        'UNKNOWN_OPTION',
      ),
    ).toBe(true);
    expect(
      (caught(() => new Conv2D({ filters: 2, kernelSize: 3, stride: 2 } as never)) as Error).message,
    ).toMatch(/did you mean 'strides'/i);
    expect((caught(() => new Conv2D({ filters: 2, kernelSize: [3, 0] as never })) as Error).message).toMatch(
      /layer 'conv2d' \(Conv2D\): kernelSize must be a positive integer/,
    );
    expect(
      (caught(() => new Conv2D({ filters: 2, kernelSize: 3, padding: 'full' as never })) as Error).message,
    ).toMatch(/padding must be 'valid' or 'same'/);
    expect(
      isSteadygradError(
        caught(() => new Conv2D({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
    const before = tf.memory().numTensors;
    const flat = new Conv2D({ filters: 2, kernelSize: 3, name: 'conv_a' });
    const e1 = caught(() => flat.build([null, 28, 28], new RandomStream(0)));
    expect(isSteadygradError(e1, 'SHAPE_MISMATCH')).toBe(true);
    expect((e1 as Error).message).toMatch(/layer 'conv_a' \(Conv2D\) needs an input of rank 4/);
    const big = new Conv2D({ filters: 2, kernelSize: 5, dilationRate: 2, name: 'conv_b' });
    const e2 = caught(() => big.build([null, 8, 20, 3], new RandomStream(0)));
    expect(isSteadygradError(e2, 'SHAPE_MISMATCH')).toBe(true);
    expect((e2 as Error).message).toMatch(
      /layer 'conv_b' \(Conv2D\): its window \(9 on axis 1, dilation included\) is larger than the input \(8\)/,
    );
    expect(big.built).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
    const ok = new Conv2D({ filters: 2, kernelSize: 3, name: 'conv_c' });
    ok.build([null, 6, 6, 3], new RandomStream(0));
    const afterBuild = tf.memory().numTensors;
    const wrong = tf.zeros([1, 6, 6, 4]);
    const e3 = caught(() => ok.apply(wrong));
    expect((e3 as Error).message).toMatch(
      /layer 'conv_c' \(Conv2D\) expects input shape \(None, 6, 6, 3\), got \[1, 6, 6, 4\]/,
    );
    wrong.dispose();
    expect(tf.memory().numTensors).toBe(afterBuild - 0);
    const odd = new Conv2D({ filters: 4, kernelSize: 1, groups: 2 });
    expect(
      isSteadygradError(
        caught(() => odd.build([null, 4, 4, 3], new RandomStream(0))),
        'SHAPE_MISMATCH',
      ),
    ).toBe(true);
    ok.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('getConfig lists the Keras options; cloneOptions rebuilds the same layer', () => {
    const layer = new Conv2D({
      filters: 3,
      kernelSize: [3, 1],
      padding: 'same',
      activation: 'relu',
      useBias: false,
    });
    const config = layer.getConfig();
    expect(config).toMatchObject({
      filters: 3,
      kernelSize: [3, 1],
      strides: [1, 1],
      padding: 'same',
      activation: 'relu',
      useBias: false,
    });
    const clone = new Conv2D(layer.cloneOptions() as unknown as Conv2DOptions);
    expect(clone.getConfig()).toEqual(config);
  });
});
