import { Parameter, type Tensor, tf } from '@steadygrad/core';

/** A tensor's values as a plain array (test-only device read). */
export function arr(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Float32-representable test tensors. */
export function t1(values: number[]): Tensor {
  return tf.tensor1d(values);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, i) => {
    ab += x * b[i]!;
    aa += x * x;
    bb += b[i]! * b[i]!;
  });
  return ab / Math.sqrt(aa * bb);
}

/** Asserts element-wise |a − e| <= tol·max(1, |e|). */
export function close(actual: readonly number[], expected: readonly number[], tol = 1e-6): boolean {
  return (
    actual.length === expected.length &&
    expected.every((e, i) => Math.abs(actual[i]! - e) <= tol * Math.max(1, Math.abs(e)))
  );
}

/** Whether every row of `actual` is {@link close} to the same row of `expected`. */
export function allClose(actual: readonly number[][], expected: readonly number[][], tol = 1e-6): boolean {
  return actual.length === expected.length && expected.every((e, k) => close(actual[k]!, e, tol));
}

/** A Parameter holding `values` (the temporary input tensor is disposed). */
export function parameter(name: string, values: number[], shape?: number[]): Parameter {
  const t = tf.tensor(values, shape);
  const p = new Parameter(name, t);
  t.dispose();
  return p;
}
