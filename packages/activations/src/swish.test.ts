import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { silu, swish } from './swish.js';
import {
  expectClose,
  expectMatchesTorch,
  finiteDifferenceCheck,
  SMOOTH_POINTS,
} from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('silu / swish', () => {
  it('match PyTorch silu in value and gradient', () => {
    expectMatchesTorch(silu, 'silu');
    expectMatchesTorch(swish, 'swish');
  });
  it('agree with finite differences', () => {
    const { numeric, analytic } = finiteDifferenceCheck(swish, SMOOTH_POINTS);
    expectClose(analytic, numeric, 'swish FD', { rtol: 2e-3, atol: 1e-4 });
  });
  it('keep their Keras names and pair with He', () => {
    expect([silu.name, swish.name]).toEqual(['silu', 'swish']);
    expect([silu.pairsWith, swish.pairsWith]).toEqual(['he', 'he']);
  });
});
