import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { identity } from './identity.js';
import { t1 } from './test-utils/values.js';

describe('identity', () => {
  it('returns the same update tensors and no state', () => {
    tf.tidy(() => {
      const u = { w: t1([1]) };
      const r = identity().update(u, null, {});
      expect(r.updates).toBe(u);
      expect(identity().init(u)).toBeNull();
    });
  });
});
