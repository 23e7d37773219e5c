import type { Tensor } from '../../tf.js';
import type { HostKernel } from '../runtime/host-kernel.js';
import { hostSimd, pointer } from '../runtime/simd-module.js';
import { sgdStepMultiTensorflow, sgdStepTensorflow } from './sgd-step-tensorflow.js';

/** Attributes of {@link sgdStepKernel}: the SGD hyperparameters of one step. */
export interface SgdKernelAttrs {
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
}

const f = Math.fround;

/**
 * One SGD step for one parameter as ONE kernel, with the exact float32 arithmetic of the unfused chain
 * `scaleByLearningRate(lr) → trace(μ) → w + update` (each product and sum rounded to float32 in the same
 * order, so both paths give bit-identical results):
 * - without momentum (no `v` input): `w ← w + (−lr)·g`;
 * - momentum (Keras 3): `u = (−lr)·g; v ← μ·v + u; w ← w + v`;
 * - Nesterov: `w ← w + (μ·v_new + u)`.
 */
export const sgdStepKernel: HostKernel<SgdKernelAttrs> = {
  name: 'SteadygradSgdStep',
  inputs: ['w', 'v', 'g'],
  outputs: ['newW', 'newV'],
  outputShapes: (s) => ({ newW: s.w, newV: s.v === undefined ? undefined : s.w }),
  compute(i, o, _s, { learningRate, momentum, nesterov }) {
    const w = i.w as Float32Array;
    const g = i.g as Float32Array;
    const v = i.v;
    const nw = o.newW as Float32Array;
    const factor = f(-learningRate);
    const mu = f(momentum);
    const nv = o.newV;
    // Elements [0, k0) with core's WebAssembly SIMD loop on the wasm backend (float32 ops, bit-identical).
    const simd = hostSimd(w);
    const k0 = simd === undefined ? 0 : w.length - (w.length % 4);
    if (simd !== undefined && k0 > 0) {
      simd.sgdStep(
        pointer(w),
        pointer(v),
        pointer(g),
        k0,
        factor,
        mu,
        nesterov ? 1 : 0,
        pointer(nw),
        pointer(nv),
      );
    }
    if (v === undefined || nv === undefined) {
      for (let k = k0; k < w.length; k++) nw[k] = (w[k] as number) + f((g[k] as number) * factor);
      return;
    }
    for (let k = k0; k < w.length; k++) {
      const u = f((g[k] as number) * factor);
      const t = f(f((v[k] as number) * mu) + u);
      nv[k] = t;
      nw[k] = (w[k] as number) + (nesterov ? f(f(t * mu) + u) : t);
    }
  },
  tensorflow: ({ w, v, g }, attrs, native) => sgdStepTensorflow(native, w as Tensor, v, g as Tensor, attrs),
};

/** Multi-parameter forms of {@link sgdStepKernel}, by parameter count and whether they carry momentum. */
const multiKernels = new Map<string, HostKernel<SgdKernelAttrs>>();

/**
 * {@link sgdStepKernel} for `count` parameters at once (inputs `w0, v0, g0, w1, …`, outputs `newW0, newV0,
 * …`; no `v` with `momentum` false): the same loop on each, in ONE engine kernel instead of `count` (a
 * dispatch costs ~10–20 µs; the seed model has 12 parameters). Built and registered on first use per count.
 */
export function sgdStepMultiKernel(count: number, momentum: boolean): HostKernel<SgdKernelAttrs> {
  const key = `${count}${momentum ? 'm' : ''}`;
  const known = multiKernels.get(key);
  if (known !== undefined) return known;
  const idx = Array.from({ length: count }, (_, k) => k);
  const kernel: HostKernel<SgdKernelAttrs> = {
    name: `SteadygradSgdStep${momentum ? 'Momentum' : ''}x${count}`,
    inputs: idx.flatMap((k) => (momentum ? [`w${k}`, `v${k}`, `g${k}`] : [`w${k}`, `g${k}`])),
    outputs: idx.flatMap((k) => (momentum ? [`newW${k}`, `newV${k}`] : [`newW${k}`])),
    outputShapes: (s) => {
      const out: Record<string, readonly number[] | undefined> = {};
      for (const k of idx) {
        out[`newW${k}`] = s[`w${k}`];
        if (momentum) out[`newV${k}`] = s[`w${k}`];
      }
      return out;
    },
    compute(i, o, s, attrs, ints) {
      for (const k of idx) {
        sgdStepKernel.compute(
          { w: i[`w${k}`], v: momentum ? i[`v${k}`] : undefined, g: i[`g${k}`] },
          { newW: o[`newW${k}`], newV: momentum ? o[`newV${k}`] : undefined },
          { w: s[`w${k}`], v: momentum ? s[`v${k}`] : undefined, g: s[`g${k}`] },
          attrs,
          ints,
        );
      }
    },
    // tensorflow: the small rank-1 parameters in one group (see sgdStepMultiTensorflow).
    tensorflow: (i, attrs, native) =>
      sgdStepMultiTensorflow(
        native,
        idx.map((k) => i[`w${k}`] as Tensor),
        idx.map((k) => (momentum ? i[`v${k}`] : undefined)),
        idx.map((k) => i[`g${k}`] as Tensor),
        attrs,
      ),
  };
  multiKernels.set(key, kernel);
  return kernel;
}
