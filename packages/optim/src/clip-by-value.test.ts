import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { clipByNorm } from './clip-by-norm.js';
import { clipByValue } from './clip-by-value.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, cosine, t1 } from './test-utils/values.js';

describe('clipByValue', () => {
  it('clips each element to [−c, c] exactly', () => {
    tf.tidy(() => {
      const g = [0.25, -3, 1.5, -0.5, 1];
      const tx = clipByValue(1);
      const out = arr(tx.update({ w: t1(g) }, tx.init({}), {}).updates.w!);
      expect(out).toEqual(g.map((x) => Math.min(1, Math.max(-1, x))));
    });
  });

  it('changes the gradient direction, while clipping by norm keeps it (seed cells 9–10)', () => {
    tf.tidy(() => {
      // The seed's example: a gradient [0.9, 100] clipped by value becomes [0.9, 1] — now almost diagonal.
      const g = [0.9, 100];
      const byValue = clipByValue(1);
      const byNorm = clipByNorm(1);
      const v = arr(byValue.update({ w: t1(g) }, byValue.init({}), {}).updates.w!);
      const n = arr(byNorm.update({ w: t1(g) }, byNorm.init({}), {}).updates.w!);
      expect(v).toEqual([0.8999999761581421, 1]);
      expect(cosine(v, g)).toBeLessThan(0.75);
      expect(cosine(n, g)).toBeCloseTo(1, 6);
      expect(Math.hypot(n[0]!, n[1]!)).toBeCloseTo(1, 6);
    });
  });

  it('rejects a non-positive threshold', () => {
    expectError(() => clipByValue(0), 'INVALID_ARGUMENT', /maxDelta must be a finite number > 0, got 0/);
    expectError(() => clipByValue(-1), 'INVALID_ARGUMENT', /maxDelta must be a finite number > 0, got -1/);
  });
});
