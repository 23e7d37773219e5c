import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { scale } from './scale.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, t1 } from './test-utils/values.js';

describe('scale', () => {
  it('multiplies updates by the factor', () => {
    tf.tidy(() => {
      expect(arr(scale(-2).update({ w: t1([1, 0.5]) }, null, {}).updates.w!)).toEqual([-2, -1]);
    });
  });

  it('rejects a non-finite factor', () => {
    expectError(() => scale(Number.POSITIVE_INFINITY), 'INVALID_ARGUMENT', /factor must be a finite number/);
  });
});
