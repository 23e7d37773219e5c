import type { Schedule } from '@steadygrad/core';
import { expect } from 'vitest';

/**
 * Asserts |a_i − e_i| <= rtol · |e_i| + atol for every i (default rtol 1e-6; atol 1e-12 · max |e|, a floor
 * only for values that pass through ~0, such as a cosine reaching η_min = 0). Reports the first mismatch.
 */
export function expectAllClose(
  actual: readonly number[],
  expected: readonly number[],
  options: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const scale = Math.max(...expected.map(Math.abs));
  const { rtol = 1e-6, atol = 1e-12 * scale, label = '' } = options;
  expect(actual.length, `${label} length`).toBe(expected.length);
  const bad = expected.findIndex((e, i) => !(Math.abs(actual[i]! - e) <= rtol * Math.abs(e) + atol));
  if (bad >= 0) {
    expect.fail(
      `${label} index ${bad}: got ${actual[bad]}, expected ${expected[bad]} (rtol ${rtol}, atol ${atol})`,
    );
  }
}

/** The schedule's values at steps 0 .. n−1 (or at the given steps). */
export function valuesOf(schedule: Schedule, steps: number | readonly number[]): number[] {
  const ts = typeof steps === 'number' ? Array.from({ length: steps }, (_, i) => i) : steps;
  return ts.map((t) => schedule(t));
}
