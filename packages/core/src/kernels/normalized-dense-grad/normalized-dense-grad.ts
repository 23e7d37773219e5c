import type { HostKernel } from '../runtime/host-kernel.js';
import { hostSimd, pointer } from '../runtime/simd-module.js';

/**
 * A kernel writing `x̂[r, c] = (x[r, c] − μ[c])·inv[c]` (float64, rounded once) for a batch `x` `[n, C]` and its
 * batch statistics, row-major (`[n, C]`) or transposed (`[C, n]`): columns `[0, C − C mod 4)` with core's
 * WebAssembly SIMD loop on the wasm backend (bit-identical), the rest in JavaScript.
 */
function normalizedKernel(name: string, output: string, transposed: boolean): HostKernel {
  return {
    name,
    inputs: ['x', 'mean', 'inv'],
    outputs: [output],
    outputShapes: (s) => {
      const [n, c] = s.x as [number, number];
      return { [output]: transposed ? [c, n] : [n, c] };
    },
    compute(i, o, s) {
      const [n, C] = s.x as [number, number];
      const x = i.x as Float32Array;
      const mean = i.mean as Float32Array;
      const inv = i.inv as Float32Array;
      const out = o[output] as Float32Array;
      const simd = hostSimd(x);
      const c0 = simd === undefined || n === 0 ? 0 : C - (C % 4);
      if (simd !== undefined && c0 > 0) {
        const loop = transposed ? simd.normalizedTranspose : simd.normalizedRows;
        loop(pointer(x), pointer(mean), pointer(inv), n, C, c0, pointer(out));
      }
      for (let c = c0; c < C; c++) {
        const m = mean[c] as number;
        const iv = inv[c] as number;
        for (let r = 0; r < n; r++) {
          out[transposed ? c * n + r : r * C + c] = ((x[r * C + c] as number) - m) * iv;
        }
      }
    },
  };
}

/**
 * `x̂ᵀ` `[C, n]` from a batch `x` `[n, C]` and its batch statistics: `x̂ᵀ[c, r] = (x[r, c] − μ[c])·inv[c]`
 * (the normalized input of a batch normalization, transposed for the matmul `x̂ᵀ·dZ`).
 */
export const normalizedTransposeKernel: HostKernel = normalizedKernel(
  'SteadygradNormalizedTranspose',
  'xhatT',
  true,
);

/**
 * `x̂` `[n, C]` from a batch `x` `[n, C]` and its batch statistics: `x̂[r, c] = (x[r, c] − μ[c])·inv[c]`, the
 * values of {@link normalizedTransposeKernel} in row-major order, for `x̂ᵀ·dZ` by core's `hostMatMul` with
 * `transposeA` (which reads `x̂` transposed in place, faster than `x̂ᵀ` row by row).
 */
export const normalizedRowsKernel: HostKernel = normalizedKernel('SteadygradNormalizedRows', 'xhat', false);

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
 * pass. Float32 arithmetic, every product and sum rounded (`Math.fround` here, f32x4 in core's SIMD loop, bit
 * for bit the same); each row's sums are taken in four partial sums by `j mod 4`, combined as
 * `(a₀ + a₂) + (a₁ + a₃)`, then the last `N mod 4` terms in order.
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
    // On the wasm backend with N a multiple of 4: core's WebAssembly SIMD loop (bit-identical).
    const simd = hostSimd(m);
    if (simd !== undefined && N % 4 === 0) {
      simd.paramGrad(
        pointer(m),
        pointer(w),
        pointer(sum),
        pointer(gamma),
        pointer(beta),
        C,
        N,
        pointer(dw),
        pointer(dgamma),
        pointer(dbeta),
      );
      return;
    }
    const f = Math.fround;
    const N4 = N - (N % 4);
    const ag = [0, 0, 0, 0];
    const ab = [0, 0, 0, 0];
    for (let c = 0; c < C; c++) {
      const g = gamma === undefined ? 1 : (gamma[c] as number);
      const b = beta === undefined ? 0 : (beta[c] as number);
      const row = c * N;
      // Four partial sums by j mod 4, combined as (a₀ + a₂) + (a₁ + a₃), then the last N mod 4 terms.
      ag.fill(0);
      ab.fill(0);
      for (let j = 0; j < N4; j += 4) {
        for (let q = 0; q < 4; q++) {
          const mv = m[row + j + q] as number;
          const wv = w[row + j + q] as number;
          const sj = sum[j + q] as number;
          dw[row + j + q] = f(f(g * mv) + f(b * sj));
          ag[q] = f((ag[q] as number) + f(wv * mv));
          ab[q] = f((ab[q] as number) + f(wv * sj));
        }
      }
      let sg = f(f((ag[0] as number) + (ag[2] as number)) + f((ag[1] as number) + (ag[3] as number)));
      let sb = f(f((ab[0] as number) + (ab[2] as number)) + f((ab[1] as number) + (ab[3] as number)));
      for (let j = N4; j < N; j++) {
        const mv = m[row + j] as number;
        const wv = w[row + j] as number;
        const sj = sum[j] as number;
        dw[row + j] = f(f(g * mv) + f(b * sj));
        sg = f(sg + f(wv * mv));
        sb = f(sb + f(wv * sj));
      }
      dgamma[c] = sg;
      dbeta[c] = sb;
    }
  },
};
