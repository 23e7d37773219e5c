import {
  checkNumber,
  checkOptions,
  type Initializer,
  optionKeys,
  type RandomStream,
  SteadygradError,
  tf,
} from '@steadygrad/core';
import { makeInitializer } from './make-initializer.js';

/** Options of `orthogonal` (Keras 3 `Orthogonal`). */
export interface OrthogonalOptions {
  /** Multiplier of the orthogonal matrix, > 0; default 1 (Keras 3 `Orthogonal(gain=1.0)`). */
  readonly gain?: number;
}

const KEYS = optionKeys<OrthogonalOptions>()(['gain']);

/**
 * Q factor of a Householder QR of the row-major `m × n` matrix `a` (`m ≥ n`), as a row-major `m × n`
 * Float64Array with orthonormal columns, sign-corrected so that `R` has a non-negative diagonal
 * (the `q *= sign(diag(r))` step of Keras/PyTorch, which makes Q Haar-distributed).
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const x0 = r[k * n + k]!;
    const alpha = x0 >= 0 ? -norm : norm; // R_kk after the reflection
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k]!;
    v[0] = x0 - alpha;
    let vNorm = 0;
    for (let i = 0; i < v.length; i++) vNorm += v[i]! ** 2;
    vNorm = Math.sqrt(vNorm);
    if (vNorm > 0) {
      for (let i = 0; i < v.length; i++) v[i] = v[i]! / vNorm;
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k]! * r[i * n + j]!;
        for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - 2 * v[i - k]! * dot;
      }
    }
    vs.push(v);
    signs[k] = (vNorm > 0 ? alpha : x0) < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 … H_{n−1} applied to the first n columns of the identity, accumulated backwards.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      if (dot !== 0) for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - 2 * v[i - k]! * dot;
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] = q[i * n + j]! * signs[j]!;
  return q;
}

/**
 * Orthogonal initializer (Keras 3 `'orthogonal'`, Saxe et al. 2014). The shape is flattened to a
 * `rows × cols` matrix with `rows = ∏ shape[:-1]`, `cols = shape[-1]`; a `max × min` matrix of standard
 * normals is QR-factored, Q is sign-corrected by `sign(diag(R))` and transposed when `rows < cols`, so the
 * result `W` satisfies `Wᵀ W = gain²·I` (rows ≥ cols) or `W Wᵀ = gain²·I` (rows < cols).
 * PyTorch `orthogonal_` flattens the other way (`rows = shape[0]`, PyTorch's out-dimension), which is the
 * same layer-wise property in PyTorch's `[out, in, ...]` layout. Needs at least 2 dimensions.
 */
export function orthogonal(options: OrthogonalOptions = {}): Initializer {
  checkOptions('orthogonal', options, KEYS);
  const { gain = 1 } = options;
  checkNumber('orthogonal gain', gain, { above: 0 });
  return makeInitializer('orthogonal', { gain }, (shape, rng: RandomStream) => {
    if (shape.length < 2) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `orthogonal: shape must have at least 2 dimensions, got ${JSON.stringify(shape)}`,
        { details: { shape } },
      );
    }
    const cols = shape[shape.length - 1]!;
    let rows = 1;
    for (let i = 0; i < shape.length - 1; i++) rows *= shape[i]!;
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const a = Float64Array.from(rng.fillNormal(m * n));
    const q = orthonormalColumns(a, m, n); // m × n
    const out = new Float32Array(rows * cols);
    if (rows >= cols) {
      for (let i = 0; i < m * n; i++) out[i] = gain * q[i]!;
    } else {
      // out (rows × cols) = qᵀ, q is cols × rows.
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[j * n + i]!;
    }
    return tf.tensor(out, shape, 'float32');
  });
}
