import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { softplus } from './softplus.js';
import {
  expectClose,
  expectMatchesTorch,
  finiteDifferenceCheck,
  SMOOTH_POINTS,
  valueAndGrad,
} from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('softplus', () => {
  it('matches PyTorch softplus in value and gradient', () => {
    expectMatchesTorch(softplus, 'softplus');
  });
  it('is finite where log(1 + exp(x)) overflows, and exact in closed form', () => {
    const { value, grad } = valueAndGrad((x) => softplus.apply(x), [100, 1e4, -1e4, 0]);
    expect(Array.from(value)).toEqual([100, 1e4, 0, Math.fround(Math.LN2)]);
    expect(Array.from(grad)).toEqual([1, 1, 0, 0.5]);
  });
  it('agrees with finite differences', () => {
    const { numeric, analytic } = finiteDifferenceCheck(softplus, SMOOTH_POINTS);
    expectClose(analytic, numeric, 'softplus FD', { rtol: 2e-3, atol: 1e-4 });
  });
});
