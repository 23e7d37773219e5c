import { tf } from '@steadygrad/core';
import { expect } from 'vitest';

/**
 * Asserts that `actual` (computed in batches of one size) equals `expected` (another batch size). Bit for bit on
 * the cpu and wasm backends, where a row's result does not depend on the rows around it. Backend-specific: on
 * `tensorflow` (the suite's second pass) TensorFlow's CPU matrix product (Eigen / oneDNN) blocks and vectorizes its
 * sums by the number of rows, so two batch sizes differ there by float32 rounding: compared within 1e-6 relative
 * (a few float32 ulps), which still fails for any real difference.
 */
export function expectSameAcrossBatchSizes(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  const a = Array.from(actual);
  const e = Array.from(expected);
  if (tf.getBackend() !== 'tensorflow') {
    expect(a).toEqual(e);
    return;
  }
  expect(a.length).toBe(e.length);
  const worst = Math.max(
    ...a.map((v, i) => Math.abs(v - (e[i] as number)) / Math.max(Math.abs(e[i] as number), 1e-30)),
  );
  expect(worst).toBeLessThanOrEqual(1e-6);
}
