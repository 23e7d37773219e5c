import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { relu } from './relu.js';
import { expectMatchesTorch, valueAndGrad } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('relu', () => {
  it('matches PyTorch in value and gradient on the grid (0, ±1e-3 … ±1e4)', () => {
    expectMatchesTorch(relu, 'relu');
  });
  it("has relu'(0) = 0 and pairs with He", () => {
    expect(Array.from(valueAndGrad((x) => relu.apply(x), [0, -0, 1e-30]).grad)).toEqual([0, 0, 1]);
    expect(relu.pairsWith).toBe('he');
    expect(relu.name).toBe('relu');
  });
});
