import type { HostKernel } from '../runtime/host-kernel.js';

interface TransposeBiasActAttrs {
  /** Apply relu after adding the bias. */
  readonly relu: boolean;
}

/**
 * The epilogue of a Dense forward pass computed transposed: from `zᵀ = Wᵀ·xᵀ` `[n, m]` and the bias `[n]`
 * (optional), `y = act(z + b)` `[m, n]` (act = relu or identity) in one loop — the transpose, the bias add
 * and the activation of three kernels in one.
 */
export const transposeBiasActKernel: HostKernel<TransposeBiasActAttrs> = {
  name: 'SteadygradTransposeBiasAct',
  inputs: ['zT', 'bias'],
  outputs: ['y'],
  outputShapes: (s) => {
    const [n, m] = s.zT as [number, number];
    return { y: [m, n] };
  },
  compute(i, o, s, { relu }) {
    const [n, m] = s.zT as [number, number];
    const zT = i.zT as Float32Array;
    const bias = i.bias;
    const y = o.y as Float32Array;
    for (let j = 0; j < n; j++) {
      const b = bias === undefined ? 0 : (bias[j] as number);
      const row = j * m;
      for (let r = 0; r < m; r++) {
        const v = (zT[row + r] as number) + b;
        y[r * n + j] = relu && v <= 0 ? 0 : v; // NaN stays NaN, −0 gives +0 (as the fused matmul)
      }
    }
  },
};
