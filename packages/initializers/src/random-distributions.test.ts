import { isSteadygradError } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { randomNormal } from './random-normal.js';
import { randomUniform } from './random-uniform.js';
import { draw } from './test-utils/draw.js';
import {
  normalMoments,
  sampleStats,
  tolerances,
  truncatedMoments,
  uniformMoments,
} from './test-utils/stats.js';
import { TRUNCATED_NORMAL_STD_RATIO, truncatedNormal } from './truncated-normal.js';

const SHAPE = [200, 250]; // 50k draws

function expectInvalid(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isSteadygradError(caught, 'INVALID_ARGUMENT')).toBe(true);
  expect((caught as Error).message).toMatch(pattern);
}

describe('randomNormal', () => {
  it('has the Keras 3 defaults mean 0, stddev 0.05', () => {
    const init = randomNormal();
    expect(init.name).toBe('random_normal');
    expect(init.config).toEqual({ mean: 0, stddev: 0.05 });
  });

  it('draws N(mean, stddev²)', () => {
    const mean = 0.3;
    const stddev = 2;
    const values = draw(randomNormal({ mean, stddev }), SHAPE, 1);
    const centered = values.map((x) => x - mean);
    const s = sampleStats(centered);
    const exact = normalMoments(stddev);
    const tol = tolerances(exact, s.n);
    expect(Math.abs(s.mean)).toBeLessThan(tol.mean);
    expect(Math.abs(s.m2 - exact.m2)).toBeLessThan(tol.m2);
    expect(Math.abs(s.m4 - exact.m4)).toBeLessThan(tol.m4);
  });

  it('rejects a non-positive stddev or a non-finite mean', () => {
    expectInvalid(
      () => randomNormal({ stddev: 0 }),
      /randomNormal stddev must be a finite number > 0, got 0/,
    );
    expectInvalid(() => randomNormal({ mean: Number.POSITIVE_INFINITY }), /randomNormal mean/);
  });
});

describe('randomUniform', () => {
  it('has the Keras 3 defaults ±0.05', () => {
    expect(randomUniform().config).toEqual({ minval: -0.05, maxval: 0.05 });
    expect(randomUniform().name).toBe('random_uniform');
  });

  it('draws U[minval, maxval)', () => {
    const [minval, maxval] = [-1, 3];
    const values = draw(randomUniform({ minval, maxval }), SHAPE, 2);
    const mid = (minval + maxval) / 2;
    const half = (maxval - minval) / 2;
    const s = sampleStats(values.map((x) => x - mid));
    const exact = uniformMoments(half);
    const tol = tolerances(exact, s.n);
    expect(Math.abs(s.mean)).toBeLessThan(tol.mean);
    expect(Math.abs(s.m2 - exact.m2)).toBeLessThan(tol.m2);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(minval);
    expect(Math.max(...values)).toBeLessThan(maxval);
    expect(s.maxAbs).toBeGreaterThan(half * (1 - 20 / s.n));
  });

  it('rejects maxval <= minval naming both', () => {
    expectInvalid(
      () => randomUniform({ minval: 1, maxval: 1 }),
      /maxval must be greater than minval, got minval=1, maxval=1/,
    );
  });
});

describe('truncatedNormal', () => {
  it('has the Keras 3 defaults and cuts at mean ± 2·stddev (stddev is the pre-truncation parameter)', () => {
    expect(truncatedNormal().config).toEqual({ mean: 0, stddev: 0.05 });
    expect(truncatedNormal().name).toBe('truncated_normal');
    const mean = -1;
    const stddev = 0.5;
    const values = draw(truncatedNormal({ mean, stddev }), SHAPE, 3);
    const s = sampleStats(values.map((x) => x - mean));
    const exact = truncatedMoments(stddev);
    // Like Keras, the plain truncatedNormal is not variance-corrected: its std is 0.8796 · stddev.
    expect(Math.sqrt(exact.m2)).toBeCloseTo(TRUNCATED_NORMAL_STD_RATIO * stddev, 12);
    const tol = tolerances(exact, s.n);
    expect(Math.abs(s.mean)).toBeLessThan(tol.mean);
    expect(Math.abs(s.m2 - exact.m2)).toBeLessThan(tol.m2);
    expect(Math.abs(s.m4 - exact.m4)).toBeLessThan(tol.m4);
    expect(s.maxAbs).toBeLessThanOrEqual(2 * stddev * (1 + 1e-6));
  });

  it('rejects a non-positive stddev', () => {
    expectInvalid(
      () => truncatedNormal({ stddev: -1 }),
      /truncatedNormal stddev must be a finite number > 0, got -1/,
    );
  });
});
