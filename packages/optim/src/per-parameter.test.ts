import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { fillLike, mapUpdates, paramOf, stateOf } from './per-parameter.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, t1 } from './test-utils/values.js';

describe('per-parameter helpers', () => {
  it('maps updates, fills state like parameters, and names missing entries', () => {
    tf.tidy(() => {
      const params = { w: t1([1, 2]), b: t1([3]) };
      expect(arr(mapUpdates(params, (u) => tf.mul(u, 2)).w!)).toEqual([2, 4]);
      expect(arr(fillLike(params).w!)).toEqual([0, 0]);
      expect(arr(fillLike(params, 0.1).b!)).toEqual([0.10000000149011612]);
      expect(stateOf({ w: 1 }, 'w', 'x')).toBe(1);
      expectError(
        () => stateOf({ w: 1 }, 'v', 'trace'),
        'NOT_FOUND',
        /trace has no state for parameter 'v'.*\[w\]/,
      );
      expectError(
        () => paramOf(undefined, 'w', 'addDecayedWeights'),
        'NOT_FOUND',
        /addDecayedWeights needs the value of parameter 'w'/,
      );
    });
  });
});
