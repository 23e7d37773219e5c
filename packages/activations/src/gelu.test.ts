import { registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gelu } from './gelu.js';
import {
  expectClose,
  expectMatchesTorch,
  finiteDifferenceCheck,
  SMOOTH_POINTS,
} from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('gelu', () => {
  it('exact (erf) form matches PyTorch gelu in value and gradient', () => {
    expectMatchesTorch(gelu(), 'gelu', { approximate: false });
  });
  it("tanh approximation matches PyTorch gelu(approximate='tanh') in value and gradient", () => {
    expectMatchesTorch(gelu({ approximate: true }), 'gelu', { approximate: true });
  });
  it.each([false, true])('agrees with finite differences (approximate: %s)', (approximate) => {
    const { numeric, analytic } = finiteDifferenceCheck(gelu({ approximate }), SMOOTH_POINTS);
    expectClose(analytic, numeric, 'gelu FD', { rtol: 2e-3, atol: 1e-4 });
  });
  it('defaults to the exact form, pairs with He, rejects a non-boolean approximate', () => {
    expect(gelu().config).toEqual({ approximate: false });
    expect(gelu().pairsWith).toBe('he');
    expect(() => gelu({ approximate: 'tanh' as unknown as boolean })).toThrow(
      /gelu approximate must be a boolean, got "tanh"/,
    );
  });
});
