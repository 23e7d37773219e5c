import { RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { bernoulliMask } from './stochastic-layer.js';

describe('bernoulliMask', () => {
  it('draws exactly the words rng.nextUint32() would, and leaves the stream in the same state', () => {
    for (const [seed, rate, n] of [
      [0, 0.3, 1000],
      [123456789, 0.5, 4097],
      [0xffffffff, 0.01, 1],
      [7, 0, 10],
    ] as const) {
      const fast = new RandomStream(seed);
      const slow = new RandomStream(seed);
      const mask = bernoulliMask(n, rate, 2, -1, fast);
      const expected = Float32Array.from({ length: n }, () =>
        slow.nextUint32() / 4294967296 >= rate ? 2 : -1,
      );
      expect(mask).toEqual(expected);
      expect(fast.getState()).toEqual(slow.getState());
      expect(fast.nextUint32()).toBe(slow.nextUint32());
    }
    const rng = new RandomStream(1);
    const state = rng.getState();
    expect(bernoulliMask(0, 0.5, 1, 0, rng).length).toBe(0);
    expect(rng.getState()).toEqual(state);
  });
});
