import type { HostKernel } from '@steadygrad/core';

/**
 * `x̂ᵀ` `[C, n]` from a batch `x` `[n, C]` and its batch statistics: `x̂ᵀ[c, r] = (x[r, c] − μ[c])·inv[c]`
 * (the normalized input of a batch normalization, transposed for the matmul `x̂ᵀ·dZ`).
 */
export const normalizedTransposeKernel: HostKernel = {
  name: 'SteadygradNormalizedTranspose',
  inputs: ['x', 'mean', 'inv'],
  outputs: ['xhatT'],
  outputShapes: (s) => {
    const [n, c] = s.x as [number, number];
    return { xhatT: [c, n] };
  },
  compute(i, o, s) {
    const [n, C] = s.x as [number, number];
    const x = i.x as Float32Array;
    const mean = i.mean as Float32Array;
    const inv = i.inv as Float32Array;
    const out = o.xhatT as Float32Array;
    for (let c = 0; c < C; c++) {
      const m = mean[c] as number;
      const iv = inv[c] as number;
      const row = c * n;
      for (let r = 0; r < n; r++) out[row + r] = ((x[r * C + c] as number) - m) * iv;
    }
  },
};

/**
 * The parameter gradients of `Dense(BatchNorm(x))` when the gradient of `x` itself is not needed, from
 * `M = x̂ᵀ·dZ` `[C, N]` (`dZ` the Dense pre-activation gradient), the Dense kernel `W` `[C, N]`, `s = Σ_rows dZ`
 * `[N]` (the Dense bias gradient) and the normalization's `γ`, `β` `[C]` (1 and 0 when absent). With the
 * normalized output `y₀ = γ·x̂ + β` and the Dense input gradient `dY₀ = dZ·Wᵀ` (never formed):
 *
 *   dW[c, j] = Σ_r y₀[r, c]·dZ[r, j] = γ[c]·M[c, j] + β[c]·s[j]
 *   dγ[c]    = Σ_r dY₀[r, c]·x̂[r, c] = Σ_j W[c, j]·M[c, j]
 *   dβ[c]    = Σ_r dY₀[r, c]         = Σ_j W[c, j]·s[j]
 *
 * One pass over `[C, N]` instead of the `[n, C]·[C, N]` matmul for `dY₀` and the normalization's backward
 * pass (float64 accumulation for the sums).
 */
export const normalizedDenseParamGradKernel: HostKernel = {
  name: 'SteadygradNormalizedDenseParamGrad',
  inputs: ['m', 'kernel', 's', 'gamma', 'beta'],
  outputs: ['dkernel', 'dgamma', 'dbeta'],
  outputShapes: (s) => {
    const shape = s.m as readonly number[];
    return { dkernel: shape, dgamma: [shape[0] as number], dbeta: [shape[0] as number] };
  },
  compute(i, o, s) {
    const [C, N] = s.m as [number, number];
    const m = i.m as Float32Array;
    const w = i.kernel as Float32Array;
    const sum = i.s as Float32Array;
    const gamma = i.gamma;
    const beta = i.beta;
    const dw = o.dkernel as Float32Array;
    const dgamma = o.dgamma as Float32Array;
    const dbeta = o.dbeta as Float32Array;
    for (let c = 0; c < C; c++) {
      const g = gamma === undefined ? 1 : (gamma[c] as number);
      const b = beta === undefined ? 0 : (beta[c] as number);
      const row = c * N;
      let sg = 0;
      let sb = 0;
      for (let j = 0; j < N; j++) {
        const mv = m[row + j] as number;
        const wv = w[row + j] as number;
        const sj = sum[j] as number;
        dw[row + j] = g * mv + b * sj;
        sg += wv * mv;
        sb += wv * sj;
      }
      dgamma[c] = sg;
      dbeta[c] = sb;
    }
  },
};
