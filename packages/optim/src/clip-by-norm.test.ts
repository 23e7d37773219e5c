import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { clipByNorm } from './clip-by-norm.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, close, cosine, t1 } from './test-utils/values.js';

describe('clipByNorm', () => {
  it('rescales each tensor separately to norm c when above it, u·c/max(‖u‖, c)', () => {
    tf.tidy(() => {
      const tx = clipByNorm(2);
      const a = [3, 4]; // norm 5 -> clipped to 2
      const b = [0.3, 0.4]; // norm 0.5 -> unchanged
      const r = tx.update({ a: t1(a), b: t1(b) }, tx.init({}), {});
      expect(close(arr(r.updates.a!), [1.2, 1.6])).toBe(true);
      expect(arr(r.updates.b!)).toEqual(arr(t1(b))); // bit-identical below the threshold
      expect(cosine(arr(r.updates.a!), a)).toBeCloseTo(1, 7);
    });
  });

  it('leaves a zero gradient zero (no NaN)', () => {
    tf.tidy(() => {
      const tx = clipByNorm(1);
      expect(arr(tx.update({ w: tf.zeros([3]) }, tx.init({}), {}).updates.w!)).toEqual([0, 0, 0]);
    });
  });

  it('rejects a non-positive threshold', () => {
    expectError(() => clipByNorm(0), 'INVALID_ARGUMENT', /maxNorm must be a finite number > 0, got 0/);
  });
});
