/** The shape and options of one `hostMatMul` test product. */
export interface MatMulCase {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly transposeA: boolean;
  readonly bias: boolean;
  readonly relu: boolean;
}

/** Deterministic values in (−1, 1), with some exact zeros and negative zeros, from a seed. */
export function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s % 13 === 0 ? 0 : s % 17 === 0 ? -0 : (s / 2 ** 32) * 2 - 1;
  }
  return out;
}
