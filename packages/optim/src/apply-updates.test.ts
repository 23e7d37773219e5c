import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { applyUpdates } from './apply-updates.js';
import { arr, t1 } from './test-utils/values.js';

describe('applyUpdates', () => {
  it('adds updates to parameters; parameters without an update are returned as they are', () => {
    tf.tidy(() => {
      const params = { w: t1([1, 2]), b: t1([3]) };
      const out = applyUpdates(params, { w: t1([0.5, -1]) });
      expect(arr(out.w!)).toEqual([1.5, 1]);
      expect(out.b).toBe(params.b);
      expect(applyUpdates({ w: t1([1]) }, { w: tf.tensor1d([2], 'int32') }).w!.dtype).toBe('float32');
    });
  });
});
