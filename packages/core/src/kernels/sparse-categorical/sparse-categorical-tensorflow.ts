import type { Tensor } from '../../tf.js';
import type { NativeHandle, NativeTensorflow } from '../runtime/native-tensorflow.js';

// The `tensorflow` forms of the sparse categorical cross-entropy and accuracy host kernels: the TensorFlow ops
// that tfjs-node runs for the op graph they replace (and for tfjs autodiff's gradient of it), in the same
// order and with the same operands, called directly (no tfjs dispatch, no engine bookkeeping, shape vectors
// and scalars cached). The values are those of the op graph on the tensorflow backend, bit for bit: where the
// graph multiplies by a tensor of ones (the Mean and Sum gradients), broadcasting gives the same numbers.

/** The labels as an int32 `[n]` handle (a `Reshape` of `[n, 1]`; `undefined` to free when it is the input). */
function flatLabels(
  native: NativeTensorflow,
  labels: Tensor,
): { flat: Tensor | NativeHandle; owned?: NativeHandle } {
  if (labels.rank === 1) return { flat: labels };
  const owned = native.run1(
    'Reshape',
    [labels, native.int32s([labels.shape[0] as number])],
    [native.type('T', 'int32'), native.type('Tshape', 'int32')],
  );
  return { flat: owned, owned };
}

/** `q = p / Σ_k p`, `c = max(min(q, hi), lo)` (tfjs-node's ClipByValue), and the labels' one-hot rows. */
function normalized(native: NativeTensorflow, p: Tensor, labels: Tensor, epsilon: number) {
  const f = native.float;
  const k = p.shape[1] as number;
  const lo = Math.fround(epsilon);
  const hi = Math.fround(1 - epsilon);
  const s = native.run1(
    'Sum',
    [p, native.int32s([1])],
    [f, native.type('Tidx', 'int32'), native.bool('keep_dims', true)],
  );
  const q = native.run1('RealDiv', [p, s], [f]);
  const capped = native.run1('Minimum', [q, native.scalar(hi)], [f]);
  const c = native.run1('Maximum', [capped, native.scalar(lo)], [f]);
  const { flat, owned } = flatLabels(native, labels);
  const oneHot = native.run1(
    'OneHot',
    [flat, native.int32Scalar(k), native.scalar(1), native.scalar(0)],
    [native.attrInt('axis', -1), f, native.type('TI', 'int32')],
  );
  native.free(capped, owned);
  return { s, q, c, oneHot, lo, hi };
}

/** The loss `−mean_i Σ_k onehot_ik · log c_ik` (Sum, RealDiv, Minimum, Maximum, Log, OneHot, Mul, Sum, Mean, Neg). */
export function sparseCrossentropyTensorflow(
  native: NativeTensorflow,
  p: Tensor,
  labels: Tensor,
  epsilon: number,
): Tensor {
  const f = native.float;
  const { s, q, c, oneHot } = normalized(native, p, labels, epsilon);
  const logC = native.run1('Log', [c], [f]);
  const prod = native.run1('Mul', [oneHot, logC], [f]);
  const reduce = (x: NativeHandle, axis: number, op: 'Sum' | 'Mean') =>
    native.run1(
      op,
      [x, native.int32s([axis])],
      [f, native.type('Tidx', 'int32'), native.bool('keep_dims', false)],
    );
  const rows = reduce(prod, 1, 'Sum');
  const mean = reduce(rows, 0, 'Mean');
  const loss = native.run1('Neg', [mean], [f]);
  native.free(s, q, c, oneHot, logC, prod, rows, mean);
  return native.wrap(loss);
}

/**
 * The gradient in `p`, as tfjs autodiff computes it from the graph: `m = −dy / n` (Neg, then Mean's division),
 * `g = select(lo ≤ q ≤ hi, (m · onehot) / c, 0)` (Mul, Log's RealDiv, ClipByValue's Select), then RealDiv's
 * quotient rule, `∂p = g / s − (Σ_k g·p) / s²` (the second term through the row sum's gradient).
 */
export function sparseCrossentropyGradTensorflow(
  native: NativeTensorflow,
  dy: Tensor,
  p: Tensor,
  labels: Tensor,
  epsilon: number,
): Tensor {
  const f = native.float;
  const n = p.shape[0] as number;
  const { s, q, c, oneHot, lo, hi } = normalized(native, p, labels, epsilon);
  const negDy = native.run1('Neg', [dy], [f]);
  const m = native.run1('RealDiv', [negDy, native.scalar(n)], [f]);
  const g4 = native.run1('Mul', [m, oneHot], [f]);
  const g5 = native.run1('RealDiv', [g4, c], [f]);
  const above = native.run1('GreaterEqual', [q, native.scalar(lo)], [f]);
  const below = native.run1('LessEqual', [q, native.scalar(hi)], [f]);
  const inside = native.run1('LogicalAnd', [above, below], []);
  const g6 = native.run1('SelectV2', [inside, g5, native.scalar(0)], [f]);
  const derA = native.run1('RealDiv', [g6, s], [f]);
  const gp = native.run1('Mul', [g6, p], [f]);
  const r = native.run1(
    'Sum',
    [gp, native.int32s([1])],
    [f, native.type('Tidx', 'int32'), native.bool('keep_dims', true)],
  );
  const s2 = native.run1('Square', [s], [f]);
  const ratio = native.run1('RealDiv', [r, s2], [f]);
  const derB = native.run1('Neg', [ratio], [f]);
  const dp = native.run1('AddV2', [derA, derB], [f]);
  native.free(s, q, c, oneHot, negDy, m, g4, g5, above, below, inside, g6, derA, gp, r, s2, ratio, derB);
  return native.wrap(dp);
}

/** Per-sample accuracy `cast(equal(argMax(p, 1), labels), float32)` (ArgMax, Equal, Cast). */
export function sparseAccuracyTensorflow(native: NativeTensorflow, p: Tensor, labels: Tensor): Tensor {
  const arg = native.run1(
    'ArgMax',
    [p, native.int32Scalar(1)],
    [native.float, native.type('Tidx', 'int32'), native.type('output_type', 'int32')],
  );
  const { flat, owned } = flatLabels(native, labels);
  const same = native.run1(
    'Equal',
    [arg, flat],
    [native.type('T', 'int32'), native.bool('incompatible_shape_error', true)],
  );
  const hits = native.run1(
    'Cast',
    [same],
    [native.type('SrcT', 'bool'), native.type('DstT', 'float32'), native.bool('Truncate', false)],
  );
  native.free(arg, owned, same);
  return native.wrap(hits);
}
