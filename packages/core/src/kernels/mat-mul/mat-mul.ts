import { SteadygradError } from '../../errors.js';
import type { Tensor } from '../../tf.js';
import { tf } from '../../tf.js';
import { backendTraits } from '../runtime/backend-traits.js';
import { runGemmThreaded } from '../runtime/gemm-threads.js';
import { type HostKernel, hostKernelAvailable, runHostKernel } from '../runtime/host-kernel.js';
import { NativeTensorflow } from '../runtime/native-tensorflow.js';
import { hostRelaxedSimd, hostSimd, pointer } from '../runtime/simd-module.js';
import { runGemmTiles } from './gemm-tiles.js';

/** Attributes of {@link matMulKernel}. */
export interface MatMulAttrs {
  /** Multiply by `aᵀ` (`a` is `[K, M]`) instead of `a` (`[M, K]`). */
  readonly transposeA: boolean;
  /** Apply `relu` (`v <= 0 ? 0 : v`: −0 gives +0, NaN stays NaN as in tf.relu) after the bias. */
  readonly relu: boolean;
  /**
   * Multiply by `bᵀ` (`b` is `[N, K]`). Only the `tensorflow` form reads it: {@link hostMatMul} transposes `b`
   * first on the other backends.
   */
  readonly transposeB?: boolean;
}

function dims(
  shapes: Readonly<Record<string, readonly number[] | undefined>>,
  transposeA: boolean,
): { m: number; k: number; n: number } {
  const a = shapes.a ?? [];
  const b = shapes.b ?? [];
  const bias = shapes.bias;
  if (a.length !== 2 || b.length !== 2) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `matMul expects rank-2 operands, got a [${a.join(', ')}] and b [${b.join(', ')}]`,
    );
  }
  const [a0, a1] = a as [number, number];
  const [k, n] = b as [number, number];
  const m = transposeA ? a1 : a0;
  const ka = transposeA ? a0 : a1;
  if (ka !== k) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `matMul inner sizes differ: ${transposeA ? 'aᵀ' : 'a'} [${m}, ${ka}] times b [${k}, ${n}]`,
    );
  }
  if (bias !== undefined && (bias.length !== 1 || bias[0] !== n)) {
    throw new SteadygradError('SHAPE_MISMATCH', `matMul bias must be [${n}], got [${bias.join(', ')}]`);
  }
  return { m, k, n };
}

/**
 * `c = act(op(a)·b + bias)` in ONE kernel, `op(a)` = `a` or `aᵀ`, act = relu or identity: a Dense layer's
 * forward (`x·W + b`, relu) and the matmuls of its backward (`dW = xᵀ·dZ` without a transpose kernel).
 *
 * Arithmetic: each element is the float32 sum over `k = 0 … K−1`, in that order, of the float32 products
 * `op(a)[i, k]·b[k, j]`, rounded after every operation; then `+ bias[j]` (rounded) when a bias is given; then
 * relu — bit for bit on every backend and path, except that where relaxed SIMD exists (Node ≥ 22, Chrome ≥ 114,
 * Node 20/21 after `useBackend('wasm')` or {@link enableRelaxedSimd}, which set V8's
 * `--experimental-wasm-relaxed-simd`) the wasm tiles fuse each multiply-add (one rounding instead of two,
 * on CPUs with FMA) for all but the last `N mod 4` columns; {@link setHostRelaxedSimdEnabled}`(false)` turns
 * that off. tfjs's MatMul sums in a blocked order, so results differ from it by float32 rounding only (~1e-6
 * relative).
 *
 * On the wasm backend with WebAssembly SIMD the loops of gemm-simd.ts run on the tensors in place (~25 GFLOP/s on
 * the project's machine, ~30 with fused multiply-adds, against ~15–20 for tfjs's MatMul there, which re-packs its second operand every
 * step, and ~1.5 with a transpose flag); elsewhere a scalar JavaScript loop, the reference, runs — correct
 * but much slower than tfjs's cpu MatMul, so use {@link hostMatMulAvailable} to choose. After
 * {@link setHostThreads}`(n)` the wasm path splits the rows of large products (at least its `minMultiplyAdds`,
 * default 2²³ multiply-adds) over `n` threads, with the same bits.
 */
export const matMulKernel: HostKernel<MatMulAttrs> = {
  name: 'SteadygradMatMul',
  inputs: ['a', 'b', 'bias'],
  outputs: ['c'],
  outputShapes: (s, { transposeA }) => {
    const { m, n } = dims(s, transposeA);
    return { c: [m, n] };
  },
  compute(i, o, s, { transposeA, relu }) {
    const { m, k, n } = dims(s, transposeA);
    const a = i.a as Float32Array;
    const b = i.b as Float32Array;
    const bias = i.bias;
    const c = o.c as Float32Array;
    // A[r, q] is at a[r·sai + q·sak] (in elements).
    const sai = transposeA ? 1 : k;
    const sak = transposeA ? m : 1;
    const simd = k > 0 ? hostSimd(c) : undefined;
    if (simd !== undefined) {
      // Fused multiply-add tiles where relaxed SIMD exists, else the plain ones (same tiling).
      const fma = hostRelaxedSimd(c) ?? null;
      const [pa, pb, pc, pbias] = [pointer(a), pointer(b), pointer(c), pointer(bias)];
      const r = relu ? 1 : 0;
      const heap = new Float32Array(c.buffer);
      if (!runGemmThreaded(heap, simd, fma, pa, pb, pc, m, n, k, transposeA, pbias, r)) {
        runGemmTiles(simd, fma, pa, pb, pc, m, n, k, 4 * sai, 4 * sak, 4 * n, 4 * n, pbias, r);
      }
      return;
    }
    const round = Math.fround;
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let pa = r * sai;
        let pb = j;
        for (let q = 0; q < k; q++) {
          sum = round(sum + round((a[pa] as number) * (b[pb] as number)));
          pa += sak;
          pb += n;
        }
        if (bias !== undefined) sum = round(sum + (bias[j] as number));
        c[r * n + j] = relu && sum <= 0 ? 0 : sum;
      }
    }
  },
  // TensorFlow's BatchMatMulV2 on the rank-2 operands (transposes as attributes), BiasAdd and Relu: three ops
  // instead of tfjs-node's `_FusedMatMul` (two reshapes to rank 3, BatchMatMulV2, Add, Relu, a reshape back).
  // BatchMatMulV2, the op tfjs-node itself uses, rather than MatMul: with TensorFlow 2.21, processes that ran
  // MatMul this way aborted with heap corruption under V8's sampling profiler (`node --cpu-prof`).
  tensorflow({ a, b, bias }, { transposeA, relu, transposeB = false }, native) {
    const f = native.float;
    let c = native.run1(
      'BatchMatMulV2',
      [a as Tensor, b as Tensor],
      [f, native.bool('adj_x', transposeA), native.bool('adj_y', transposeB)],
    );
    if (bias !== undefined) {
      const biased = native.run1('BiasAdd', [c, bias], [f, native.string('data_format', 'NHWC')]);
      native.free(c);
      c = biased;
    }
    if (relu) {
      const r = native.run1('Relu', [c], [f]);
      native.free(c);
      c = r;
    }
    return [native.wrap(c)];
  },
};

/**
 * Whether {@link hostMatMul} runs its SIMD loops on the active backend: the wasm backend where WebAssembly SIMD
 * is present and not turned off ({@link setHostSimdEnabled}); or TensorFlow's MatMul, BiasAdd and Relu on the
 * `tensorflow` backend. Elsewhere tfjs's MatMul is the faster choice.
 */
export function hostMatMulAvailable(): boolean {
  if (NativeTensorflow.current() !== undefined) return true;
  return backendTraits().hostSimd && hostKernelAvailable(matMulKernel);
}

/** Options of {@link hostMatMul}. */
export interface HostMatMulOptions {
  /** Multiply by `aᵀ` (default `false`). */
  readonly transposeA?: boolean;
  /**
   * Multiply by `bᵀ` (`b` is `[N, K]`; default `false`): an attribute of TensorFlow's MatMul on the
   * `tensorflow` backend, a transpose kernel first elsewhere.
   */
  readonly transposeB?: boolean;
  /** `[N]`, added to every row (default: none). */
  readonly bias?: Tensor | undefined;
  /** Apply relu last (default `false`). */
  readonly relu?: boolean;
}

/**
 * `act(op(a)·b + bias)` with {@link matMulKernel} (one engine kernel; not differentiable by itself: use it in
 * a custom gradient's forward or backward). `a` `[M, K]` (or `[K, M]` with `transposeA`), `b` `[K, N]`,
 * float32 → `[M, N]`.
 */
export function hostMatMul(a: Tensor, b: Tensor, options: HostMatMulOptions = {}): Tensor {
  const { transposeA = false, transposeB = false, bias, relu = false } = options;
  for (const [name, t] of [
    ['a', a],
    ['b', b],
    ['bias', bias],
  ] as const) {
    if (t !== undefined && t.dtype !== 'float32') {
      throw new SteadygradError('DTYPE_MISMATCH', `hostMatMul: '${name}' must be float32, got ${t.dtype}`);
    }
  }
  if (transposeB && NativeTensorflow.current() === undefined) {
    return tf.tidy(
      () => runHostKernel(matMulKernel, { a, b: tf.transpose(b), bias }, { transposeA, relu })[0]!,
    );
  }
  const attrs = transposeB ? { transposeA, relu, transposeB } : { transposeA, relu };
  return runHostKernel(matMulKernel, { a, b, bias }, attrs)[0] as Tensor;
}
