import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { relu6 } from './relu6.js';
import { expectMatchesTorch, valueAndGrad } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('relu6', () => {
  it('matches PyTorch in value and gradient, including the kinks at 0 and 6', () => {
    expectMatchesTorch(relu6, 'relu6');
  });
  it('has gradient 0 at both kinks and 1 strictly between', () => {
    const { value, grad } = valueAndGrad((x) => relu6.apply(x), [0, 3, 6, 7]);
    expect(Array.from(value)).toEqual([0, 3, 6, 6]);
    expect(Array.from(grad)).toEqual([0, 1, 0, 0]);
  });
});
