import { isSteadygradError, RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { constant, ones, zeros } from './constant.js';
import { draw } from './test-utils/draw.js';

describe('zeros, ones, constant', () => {
  it('fill with 0, 1 and the value, float32, any shape including scalars', () => {
    expect(Array.from(draw(zeros(), [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(Array.from(draw(ones(), [4]))).toEqual([1, 1, 1, 1]);
    expect(Array.from(draw(constant(0.5), [2, 1, 2]))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(Array.from(draw(constant(-3), []))).toEqual([-3]);
    expect(Array.from(draw(constant(), [2]))).toEqual([0, 0]); // Keras default value 0
  });

  it('have Keras names and configs, and draw nothing from the stream', () => {
    expect([zeros().name, ones().name, constant(2).name]).toEqual(['zeros', 'ones', 'constant']);
    expect(constant(2).config).toEqual({ value: 2 });
    expect(zeros().config).toEqual({});
    const rng = new RandomStream(9);
    const before = rng.getState();
    zeros().init([3], rng).dispose();
    constant(1).init([3], rng).dispose();
    expect(rng.getState()).toEqual(before);
  });

  it('rejects a non-finite value and a bad shape', () => {
    expect(() => constant(Number.NaN)).toThrow(/constant value must be a finite number, got NaN/);
    let caught: unknown;
    try {
      ones().init([2, -2], new RandomStream(0));
    } catch (e) {
      caught = e;
    }
    expect(isSteadygradError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/ones: shape must be an array of non-negative integers/);
  });
});
