import { isSteadygradError, RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { identity } from './identity.js';
import { draw } from './test-utils/draw.js';

describe('identity', () => {
  it('square: gain · I', () => {
    expect(Array.from(draw(identity({ gain: 2 }), [3, 3]))).toEqual([2, 0, 0, 0, 2, 0, 0, 0, 2]);
  });

  it('non-square: ones on the main diagonal (Keras 3 eye(rows, cols))', () => {
    expect(Array.from(draw(identity(), [2, 3]))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(Array.from(draw(identity(), [3, 2]))).toEqual([1, 0, 0, 1, 0, 0]);
  });

  it('has the Keras name and config and draws nothing from the stream', () => {
    expect(identity().name).toBe('identity');
    expect(identity().config).toEqual({ gain: 1 });
    const rng = new RandomStream(3);
    const before = rng.getState();
    identity().init([2, 2], rng).dispose();
    expect(rng.getState()).toEqual(before);
  });

  it('rejects non-2-D shapes and a non-positive gain', () => {
    let caught: unknown;
    try {
      identity().init([2, 2, 2], new RandomStream(0));
    } catch (e) {
      caught = e;
    }
    expect(isSteadygradError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/identity: shape must be 2-D \[rows, cols\], got \[2,2,2\]/);
    expect(() => identity({ gain: -1 })).toThrow(/identity gain must be a finite number > 0, got -1/);
  });
});
