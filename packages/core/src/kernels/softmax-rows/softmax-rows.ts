import type { Tensor } from '../../tf.js';
import type { HostKernel } from '../runtime/host-kernel.js';

/**
 * Row-wise softmax of `z` `[m, n]` (the last axis): `y_ij = exp(z_ij − max_j z_ij) / Σ_j exp(z_ij − max_j z_ij)`
 * in one loop (float64 within a row), replacing max, sub, exp, sum and div.
 */
export const softmaxRowsKernel: HostKernel<Record<string, never>> = {
  name: 'SteadygradSoftmaxRows',
  inputs: ['z'],
  outputs: ['y'],
  outputShapes: (s) => ({ y: s.z }),
  compute(i, o, s) {
    const [m, n] = s.z as [number, number];
    const z = i.z as Float32Array;
    const y = o.y as Float32Array;
    for (let r = 0; r < m; r++) {
      const row = r * n;
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < n; c++) max = Math.max(max, z[row + c] as number);
      let sum = 0;
      for (let c = 0; c < n; c++) {
        const e = Math.exp((z[row + c] as number) - max);
        y[row + c] = e;
        sum += e;
      }
      // Re-exponentiate rather than divide the rounded float32 values: keeps the row's float64 precision.
      for (let c = 0; c < n; c++) y[row + c] = Math.exp((z[row + c] as number) - max) / sum;
    }
  },
  // TensorFlow's Softmax (last axis).
  tensorflow: ({ z }, _attrs, native) => [native.wrap(native.run1('Softmax', [z as Tensor], [native.float]))],
};

/**
 * Backward of a Dense layer with a softmax output: `dZ = y ⊙ (dy − Σ_row(dy ⊙ y))` and `db = Σ_rows dZ`,
 * from the upstream gradient `dy` and the softmax output `y` (both `[m, n]`), in one loop.
 */
export const softmaxBiasGradKernel: HostKernel<Record<string, never>> = {
  name: 'SteadygradSoftmaxBiasGrad',
  inputs: ['dy', 'y'],
  outputs: ['dz', 'db'],
  outputShapes: (s) => ({ dz: s.dy, db: [(s.dy as readonly number[])[1] as number] }),
  compute(i, o, s) {
    const [m, n] = s.dy as [number, number];
    const dy = i.dy as Float32Array;
    const y = i.y as Float32Array;
    const dz = o.dz as Float32Array;
    const db = o.db as Float32Array;
    const acc = new Float64Array(n);
    for (let r = 0; r < m; r++) {
      const row = r * n;
      let dot = 0;
      for (let c = 0; c < n; c++) dot += (dy[row + c] as number) * (y[row + c] as number);
      for (let c = 0; c < n; c++) {
        const g = (y[row + c] as number) * ((dy[row + c] as number) - dot);
        dz[row + c] = g;
        acc[c] = (acc[c] as number) + g;
      }
    }
    for (let c = 0; c < n; c++) db[c] = acc[c] as number;
  },
  // TensorFlow: dot = Σ_row dy ⊙ y, dZ = y ⊙ (dy − dot), db = BiasAddGrad(dZ).
  tensorflow({ dy, y }, _attrs, native) {
    const f = native.float;
    const prod = native.run1('Mul', [dy as Tensor, y as Tensor], [f]);
    const dot = native.run1(
      'Sum',
      [prod, native.int32s([1])],
      [f, native.type('Tidx', 'int32'), native.bool('keep_dims', true)],
    );
    const diff = native.run1('Sub', [dy as Tensor, dot], [f]);
    const dz = native.run1('Mul', [y as Tensor, diff], [f]);
    native.free(prod, dot, diff);
    const db = native.run1('BiasAddGrad', [dz], [f, native.string('data_format', 'NHWC')]);
    return [native.wrap(dz), native.wrap(db)];
  },
};
