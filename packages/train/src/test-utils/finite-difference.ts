import { type Tensor, tf } from '@steadygrad/core';

/**
 * Central finite differences of a scalar function of one float32 tensor, evaluated on the host values:
 * `∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h`.
 */
export function finiteDifferenceGradient(f: (x: Tensor) => Tensor, x: Tensor, h = 1e-3): Float64Array {
  const base = Float32Array.from(x.dataSync());
  const out = new Float64Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const eval1 = (delta: number): number => {
      const v = Float32Array.from(base);
      v[i] = base[i]! + delta;
      return tf.tidy(() => f(tf.tensor(v, x.shape, 'float32')).dataSync()[0]!);
    };
    out[i] = (eval1(h) - eval1(-h)) / (2 * h);
  }
  return out;
}

/** Largest |a_i − b_i|. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
