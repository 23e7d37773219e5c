import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, close, t1 } from './test-utils/values.js';

describe('clipByGlobalNorm', () => {
  it('rescales all tensors by the same factor c/max(n, c), n the joint norm', () => {
    tf.tidy(() => {
      const tx = clipByGlobalNorm(1);
      // joint norm √(9 + 16 + 144) = 13
      const r = tx.update({ a: t1([3, 4]), b: t1([12]) }, tx.init({}), {});
      expect(close(arr(r.updates.a!), [3 / 13, 4 / 13])).toBe(true);
      expect(close(arr(r.updates.b!), [12 / 13])).toBe(true);
      const total = Math.hypot(...arr(r.updates.a!), ...arr(r.updates.b!));
      expect(total).toBeCloseTo(1, 6);
    });
  });

  it('leaves updates whose joint norm is below c bit-identical', () => {
    tf.tidy(() => {
      const tx = clipByGlobalNorm(10);
      const a = t1([3, 4]);
      const r = tx.update({ a, b: t1([1]) }, tx.init({}), {});
      expect(arr(r.updates.a!)).toEqual(arr(a));
      expect(tx.update({}, null, {}).updates).toEqual({});
    });
  });

  it('rejects a non-positive threshold', () => {
    expectError(
      () => clipByGlobalNorm(-2),
      'INVALID_ARGUMENT',
      /maxNorm must be a finite number > 0, got -2/,
    );
  });
});
