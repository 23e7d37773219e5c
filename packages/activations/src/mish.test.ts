import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mish } from './mish.js';
import {
  expectClose,
  expectMatchesTorch,
  finiteDifferenceCheck,
  SMOOTH_POINTS,
} from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('mish', () => {
  it('matches PyTorch mish in value and gradient (stable at ±1e4)', () => {
    expectMatchesTorch(mish, 'mish');
  });
  it('agrees with finite differences', () => {
    const { numeric, analytic } = finiteDifferenceCheck(mish, SMOOTH_POINTS);
    expectClose(analytic, numeric, 'mish FD', { rtol: 2e-3, atol: 1e-4 });
  });
  it('pairs with He', () => {
    expect(mish.pairsWith).toBe('he');
  });
});
