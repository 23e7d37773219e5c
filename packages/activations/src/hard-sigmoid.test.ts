import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { hardSigmoid } from './hard-sigmoid.js';
import { expectMatchesTorch, valueAndGrad } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('hardSigmoid', () => {
  it('matches PyTorch hardsigmoid in value and gradient (kinks at ±3)', () => {
    expectMatchesTorch(hardSigmoid, 'hard_sigmoid');
  });
  it('is the Keras 3 curve relu6(x + 3)/6, not Keras 2 / tfjs-layers 0.2x + 0.5', () => {
    const xs = [-4, -3, -1.5, 0, 1.5, 2.5, 3, 4];
    const { value, grad } = valueAndGrad((x) => hardSigmoid.apply(x), xs);
    expect(Array.from(value)).toEqual(xs.map((x) => Math.fround(Math.min(Math.max(x + 3, 0), 6) / 6)));
    expect(value[5]).not.toBe(1); // Keras 2 would saturate at 2.5
    expect(Array.from(grad)).toEqual([0, 0, 1, 1, 1, 1, 0, 0].map((g) => Math.fround(g / 6)));
    expect(hardSigmoid.name).toBe('hard_sigmoid');
  });
});
