import type { Tensor } from '../../tf.js';
import type { NativeHandle, NativeTensorflow } from '../runtime/native-tensorflow.js';
import type { SgdKernelAttrs } from './sgd-step.js';

const f32 = Math.fround;

/** Parameters of at most this many values are updated together (biases, batch-norm scales and offsets). */
export const SGD_GROUP_MAX_SIZE = 4096;

/**
 * The SGD step's ops for one parameter or one concatenated group (the unfused chain's ops in its order: `u =
 * g·(−lr)`, `v ← v·μ + u`, `w ← w + v`, Nesterov `w ← w + (v·μ + u)`), with cached scalars. Returns raw
 * handles `[newW, newV?]`; frees its intermediates.
 */
function sgdOps(
  native: NativeTensorflow,
  w: Tensor | NativeHandle,
  v: Tensor | NativeHandle | undefined,
  g: Tensor | NativeHandle,
  { learningRate, momentum, nesterov }: SgdKernelAttrs,
): NativeHandle[] {
  const t32 = native.float;
  const u = native.run1('Mul', [g, native.scalar(f32(-learningRate))], [t32]);
  if (v === undefined) {
    const nw = native.run1('AddV2', [w, u], [t32]);
    native.free(u);
    return [nw];
  }
  const mu = native.scalar(f32(momentum));
  const vm = native.run1('Mul', [v, mu], [t32]);
  const nv = native.run1('AddV2', [vm, u], [t32]);
  let step = nv;
  if (nesterov) {
    const tm = native.run1('Mul', [nv, mu], [t32]);
    step = native.run1('AddV2', [tm, u], [t32]);
    native.free(tm);
  }
  const nw = native.run1('AddV2', [w, step], [t32]);
  native.free(u, vm, step === nv ? undefined : step);
  return [nw, nv];
}

/** One SGD step of one parameter on the `tensorflow` backend: `[newW, newV?]` as tfjs tensors. */
export function sgdStepTensorflow(
  native: NativeTensorflow,
  w: Tensor,
  v: Tensor | undefined,
  g: Tensor,
  attrs: SgdKernelAttrs,
): Tensor[] {
  return sgdOps(native, w, v, g, attrs).map((h) => native.wrap(h));
}

/**
 * The SGD step of several parameters on the `tensorflow` backend, outputs `[newW0, newV0?, newW1, …]`. The
 * small rank-1 parameters (at most {@link SGD_GROUP_MAX_SIZE} values: a model's biases and batch-norm scales
 * and offsets) are updated together: their `w`, `v` and `g` concatenated (`ConcatV2`), the four ops of the
 * step once, and the results split back (`SplitV`) — 9 ops for the group where each parameter alone takes 4,
 * with the same values (the ops are element-wise). The others take their own 4 ops.
 */
export function sgdStepMultiTensorflow(
  native: NativeTensorflow,
  w: readonly Tensor[],
  v: readonly (Tensor | undefined)[],
  g: readonly Tensor[],
  attrs: SgdKernelAttrs,
): Tensor[] {
  const momentum = v[0] !== undefined;
  const small = w
    .map((_t, k) => k)
    .filter((k) => (w[k] as Tensor).rank === 1 && (w[k] as Tensor).size <= SGD_GROUP_MAX_SIZE);
  const grouped = small.length >= 2 ? new Set(small) : new Set<number>();
  const out: Tensor[][] = w.map((wk, k) =>
    grouped.has(k) ? [] : sgdStepTensorflow(native, wk, v[k], g[k] as Tensor, attrs),
  );
  if (grouped.size > 0) {
    const members = [...grouped];
    const t32 = native.float;
    const concat = (parts: Tensor[]) =>
      native.run1(
        'ConcatV2',
        [...parts, native.int32Scalar(0)],
        [native.attrInt('N', parts.length), t32, native.type('Tidx', 'int32')],
      );
    const cw = concat(members.map((k) => w[k] as Tensor));
    const cg = concat(members.map((k) => g[k] as Tensor));
    const cv = momentum ? concat(members.map((k) => v[k] as Tensor)) : undefined;
    const results = sgdOps(native, cw, cv, cg, attrs);
    native.free(cw, cg, cv);
    const sizes = native.int32s(members.map((k) => (w[k] as Tensor).size));
    const split = (h: NativeHandle) => {
      const parts = native.run(
        'SplitV',
        [h, sizes, native.int32Scalar(0)],
        [native.attrInt('num_split', members.length), t32, native.type('Tlen', 'int32')],
        members.length,
      );
      native.free(h);
      return parts;
    };
    const pieces = results.map(split);
    members.forEach((k, j) => {
      out[k] = pieces.map((p) => native.wrap(p[j] as NativeHandle));
    });
  }
  return out.flat();
}
