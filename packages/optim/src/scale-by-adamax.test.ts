import { describe, expect, it } from 'vitest';
import { scaleByAdamax } from './scale-by-adamax.js';
import { expectError } from './test-utils/expect-error.js';
import { GRADS, runBlock } from './test-utils/run-block.js';
import { allClose } from './test-utils/values.js';

describe('scaleByAdamax', () => {
  it('is m/((1 − β1^t)(u + ε)), u = max(β2·u, |g|) (Keras)', () => {
    const m = [0, 0, 0];
    const u = [0, 0, 0];
    const expected = GRADS.map((g, k) =>
      g.map((gi, i) => {
        m[i] = m[i]! + (gi - m[i]!) * 0.1;
        u[i] = Math.max(0.999 * u[i]!, Math.abs(gi));
        return m[i]! / ((1 - 0.9 ** (k + 1)) * (u[i]! + 1e-7));
      }),
    );
    const got = runBlock(scaleByAdamax(), GRADS);
    expect(allClose(got, expected)).toBe(true);
  });

  it('rejects b1, b2 outside [0, 1) and eps <= 0', () => {
    expectError(
      () => scaleByAdamax({ b1: 1.5 }),
      'INVALID_ARGUMENT',
      /b1 must be a finite number >= 0 < 1, got 1.5/,
    );
    expectError(() => scaleByAdamax({ b2: 1 }), 'INVALID_ARGUMENT', /b2 must be .* got 1/);
    expectError(() => scaleByAdamax({ eps: 0 }), 'INVALID_ARGUMENT', /eps must be a finite number > 0/);
  });
});
