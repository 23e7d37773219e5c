import { RandomStream, type Tensor, tf } from '@steadygrad/core';

/**
 * `n` points in 2-D around `classes` well-separated centres on a circle of radius 3 (std 0.5), labels
 * `0..classes−1` in a shuffled order. Host arrays plus tensors (the caller disposes the tensors).
 */
export function blobs(
  n: number,
  classes: number,
  seed: number,
): { x: Tensor; y: Tensor; xValues: Float32Array; yValues: Int32Array } {
  const rng = new RandomStream(seed);
  const xValues = new Float32Array(n * 2);
  const yValues = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(classes);
    const angle = (2 * Math.PI * c) / classes;
    yValues[i] = c;
    xValues[2 * i] = 3 * Math.cos(angle) + 0.5 * rng.normal();
    xValues[2 * i + 1] = 3 * Math.sin(angle) + 0.5 * rng.normal();
  }
  return { x: tf.tensor2d(xValues, [n, 2]), y: tf.tensor1d(yValues, 'int32'), xValues, yValues };
}
