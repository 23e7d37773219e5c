import { isSteadygradError, registerGradients } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { elu } from './elu.js';
import {
  expectClose,
  expectMatchesTorch,
  finiteDifferenceCheck,
  SMOOTH_POINTS,
  valueAndGrad,
} from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('elu', () => {
  it.each([1, 0.5, 2.5])(
    'matches PyTorch elu(alpha=%s) in value and gradient (any alpha, not only 1)',
    (alpha) => {
      expectMatchesTorch(elu({ alpha }), 'elu', { alpha });
    },
  );
  it("defaults to alpha 1; elu'(0) = alpha (PyTorch convention)", () => {
    expect(elu().config).toEqual({ alpha: 1 });
    expect(valueAndGrad((x) => elu({ alpha: 2.5 }).apply(x), [0]).grad[0]).toBe(2.5);
  });
  it('is accurate near 0 (expm1, not exp − 1)', () => {
    const { value } = valueAndGrad((x) => elu({ alpha: 2 }).apply(x), [-1e-6, -1e-4]);
    expectClose(value, [2 * Math.expm1(-1e-6), 2 * Math.expm1(-1e-4)], 'elu near 0', { rtol: 1e-6, atol: 0 });
  });
  it('agrees with finite differences', () => {
    const { numeric, analytic } = finiteDifferenceCheck(elu({ alpha: 1.7 }), SMOOTH_POINTS);
    expectClose(analytic, numeric, 'elu FD', { rtol: 2e-3, atol: 1e-4 });
  });
  it.each([0, -1, Number.POSITIVE_INFINITY])('rejects alpha = %s (must be > 0)', (alpha) => {
    try {
      elu({ alpha });
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toMatch(/elu alpha must be a finite number > 0/);
    }
  });
});
