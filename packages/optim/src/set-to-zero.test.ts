import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { setToZero } from './set-to-zero.js';
import { arr, t1 } from './test-utils/values.js';

describe('setToZero', () => {
  it('replaces every update by zeros', () => {
    tf.tidy(() => {
      expect(arr(setToZero().update({ w: t1([1, -2]) }, null, {}).updates.w!)).toEqual([0, 0]);
    });
  });
});
