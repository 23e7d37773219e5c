import { expect } from 'vitest';

/** Tolerance for float32 results against a float64 reference: |a − e| ≤ atol + rtol·|e| element-wise. */
export interface Tolerance {
  readonly atol?: number;
  readonly rtol?: number;
}

/** Asserts element-wise closeness with a message naming the first offending index; returns the max |a − e|. */
export function expectClose(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance = {},
): number {
  const { atol = 1e-5, rtol = 1e-5 } = tolerance;
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let maxErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const err = Math.abs(a - e);
    maxErr = Math.max(maxErr, err);
    if (!(err <= atol + rtol * Math.abs(e))) {
      expect.fail(`${label}[${i}]: got ${a}, expected ${e} (|diff| ${err} > ${atol} + ${rtol}·|expected|)`);
    }
  }
  return maxErr;
}
