import { isSteadygradError, registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LEAKY_RELU_DEFAULT_ALPHA, leakyRelu } from './leaky-relu.js';
import { expectMatchesTorch, valueAndGrad } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('leakyRelu', () => {
  it.each([0.3, 0.2, 0.01])(
    'matches PyTorch leaky_relu(negative_slope=%s) in value and gradient',
    (alpha) => {
      expectMatchesTorch(leakyRelu({ alpha }), 'leaky_relu', { alpha });
    },
  );
  it('defaults to the Keras 3 LeakyReLU layer slope 0.3, with gradient alpha at 0', () => {
    const act = leakyRelu();
    expect(LEAKY_RELU_DEFAULT_ALPHA).toBe(0.3);
    expect(act.config).toEqual({ alpha: 0.3 });
    expect(act.pairsWith).toBe('he');
    const { value, grad } = valueAndGrad((x) => act.apply(x), [-2, 0, 2]);
    expect(Array.from(value)).toEqual([Math.fround(-0.6), 0, 2]);
    expect(Array.from(grad)).toEqual([Math.fround(0.3), Math.fround(0.3), 1]);
  });
  it('seed cell 3: alpha 0.2', () => {
    const { value } = valueAndGrad((x) => leakyRelu({ alpha: 0.2 }).apply(x), [-5]);
    expect(value[0]).toBeCloseTo(-1, 6);
  });
  it('rejects a negative or non-finite alpha, naming what was expected', () => {
    expect(() => leakyRelu({ alpha: -0.1 })).toThrow(
      /leakyRelu alpha must be a finite number >= 0, got -0.1/,
    );
    try {
      leakyRelu({ alpha: Number.NaN });
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
