import { type Scalar, type Tensor, tf } from '../../tf.js';
import { type HostKernel, hostKernelAvailable, runHostKernel } from '../runtime/host-kernel.js';
import { lazyGradOp } from '../runtime/lazy-grad.js';
import {
  sparseAccuracyTensorflow,
  sparseCrossentropyGradTensorflow,
  sparseCrossentropyTensorflow,
} from './sparse-categorical-tensorflow.js';

// Host kernels (cpu and wasm backends, see @steadygrad/core's `HostKernel`; TensorFlow forms on tensorflow) for the classification loss and
// metric of a typical `fit`: sparse categorical cross-entropy on probabilities and sparse categorical
// accuracy. Each replaces a chain of small tfjs kernels (Sum, RealDiv, ClipByValue, Log, OneHot, Multiply,
// Sum, Mean, Neg and ~25 more for their gradients; ArgMax, Equal, Cast) by ONE kernel, with the same results.

interface ClipAttrs {
  /**
   * The probability clip ε: probabilities are clipped to `[ε, 1 − ε]` (Keras's `backend.epsilon()`, 1e-7;
   * `SOFTMAX_FLOOR` = 2⁻¹²⁶ for a softmax output, where `fround(1 − ε)` is 1: the bounds are `[2⁻¹²⁶, 1]`).
   */
  readonly epsilon: number;
}

/**
 * Sparse categorical cross-entropy of probabilities, as a scalar mean (Keras 3
 * `sparse_categorical_crossentropy(from_logits=False)`; PyTorch `nll_loss(log(p̂))`, which neither
 * renormalizes nor clips): for predictions `p` `[n, K]` and int32 labels `y` (`[n]` or `[n, 1]`),
 * `s_i = Σ_k p_ik`, `p̂_ik = clip(p_ik / s_i, ε, 1 − ε)` and `L = mean_i −log p̂[i, y_i]`.
 *
 * It reproduces the float32 op graph it replaces (`neg(mean(sum(oneHot(y) · log(clip(p / sum(p))))))`),
 * rounding where that graph rounds, so that on the cpu backend the value is the same bit for bit and on wasm
 * within a float32 ulp or two: `s_i` is accumulated in float64 and rounded, `p̂` is rounded, then clipped to
 * the float32 bounds `fround(ε)`, `fround(1 − ε)`; the mean divides each row's term by `n` before summing
 * (as tfjs's cpu `Mean`). Edge cases follow the graph too: a label outside `[0, K)` contributes 0 (its
 * one-hot row is zero), and a row where any `p_ik / s_i` is NaN (a NaN or ±Infinity in the row, or an
 * all-zero row) makes the loss NaN (`0 · NaN` in the one-hot product). The wasm backend's `ClipByValue`
 * maps NaN to ε instead, so there the old graph could hide a NaN prediction that this kernel reports.
 */
export const sparseCrossentropyKernel: HostKernel<ClipAttrs> = {
  name: 'SteadygradSparseCrossentropy',
  inputs: ['p', 'labels'],
  int32Inputs: ['labels'],
  outputs: ['loss'],
  outputShapes: () => ({ loss: [] }),
  compute(i, o, s, { epsilon }, ints) {
    const [n, k] = s.p as [number, number];
    const p = i.p as Float32Array;
    const labels = ints.labels as Int32Array;
    const lo = Math.fround(epsilon);
    const hi = Math.fround(1 - epsilon);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const row = r * k;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += p[row + c] as number;
      const sF = Math.fround(sum);
      let nan = false;
      for (let c = 0; c < k; c++) {
        const q = (p[row + c] as number) / sF;
        if (Number.isNaN(q)) {
          nan = true;
          break;
        }
      }
      const y = labels[r] as number;
      let term = 0;
      if (nan) term = Number.NaN;
      else if (y >= 0 && y < k) {
        const q = Math.fround((p[row + y] as number) / sF);
        term = Math.fround(Math.log(q < lo ? lo : q > hi ? hi : q));
      }
      total += Math.fround(term / n);
    }
    (o.loss as Float32Array)[0] = -total;
  },
  // tensorflow: the op graph's TensorFlow ops, called directly (see sparse-categorical-tensorflow.ts).
  tensorflow: ({ p, labels }, { epsilon }, native) => [
    sparseCrossentropyTensorflow(native, p as Tensor, labels as Tensor, epsilon),
  ],
};

/**
 * The gradient of {@link sparseCrossentropyKernel}'s loss with respect to `p`, given the upstream gradient
 * `dy` (a scalar): what tfjs autodiff gives for the op graph, in one loop. With `d = −dy/n` (the gradient of
 * `neg(mean(·))` reaching each row) and `g_i = d / q_iy` when `ε ≤ q_iy ≤ 1 − ε` (`q = p/s`, the log's
 * gradient `1/p̂` passed by the clip, which by tfjs's `ClipByValue` gradient passes `dy` where
 * `min ≤ x ≤ max`, bounds included, and 0 outside), else 0 (also for a label outside `[0, K)`):
 *
 * `∂L/∂p_ik = [k = y_i]·g_i / s_i − (g_i·p_iy) / s_i²`
 *
 * (the quotient rule of `p / s` with `s = Σ_k p_k`: the second term reaches every class of the row). As the
 * graph does, `Σ_k g_ik·p_ik` runs over the whole row with `g_ik = 0` off the label, so a ±Infinity or NaN
 * anywhere in the row gives a NaN row gradient, and an all-zero row gives NaN (`0/0`).
 */
export const sparseCrossentropyGradKernel: HostKernel<ClipAttrs> = {
  name: 'SteadygradSparseCrossentropyGrad',
  inputs: ['dy', 'p', 'labels'],
  int32Inputs: ['labels'],
  outputs: ['dp'],
  outputShapes: (s) => ({ dp: s.p }),
  compute(i, o, s, { epsilon }, ints) {
    const [n, k] = s.p as [number, number];
    const p = i.p as Float32Array;
    const labels = ints.labels as Int32Array;
    const dp = o.dp as Float32Array;
    const lo = Math.fround(epsilon);
    const hi = Math.fround(1 - epsilon);
    const d = Math.fround(-((i.dy as Float32Array)[0] as number) / n);
    for (let r = 0; r < n; r++) {
      const row = r * k;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += p[row + c] as number;
      const sF = Math.fround(sum);
      const y = labels[r] as number;
      let g = 0;
      if (y >= 0 && y < k) {
        const q = Math.fround((p[row + y] as number) / sF);
        if (q >= lo && q <= hi) g = Math.fround(d / q);
      }
      let t = 0;
      for (let c = 0; c < k; c++) t += Math.fround((c === y ? g : 0) * (p[row + c] as number));
      const gs = -Math.fround(Math.fround(t) / Math.fround(sF * sF));
      for (let c = 0; c < k; c++) dp[row + c] = Math.fround((c === y ? g : 0) / sF) + gs;
    }
  },
  tensorflow: ({ dy, p, labels }, { epsilon }, native) => [
    sparseCrossentropyGradTensorflow(native, dy as Tensor, p as Tensor, labels as Tensor, epsilon),
  ],
};

/**
 * Sparse categorical accuracy per sample (Keras `sparse_categorical_accuracy`): `1[argmax_k p_ik = y_i]`
 * for predictions `p` `[n, K]` and int32 labels (`[n]` or `[n, 1]`), as float32 `[n]`. The argmax is the
 * FIRST maximal index, found as tfjs's `argMax` does on the cpu and wasm backends (`if (v > max)` from
 * `max = p_i0`): NaN entries never win, except a NaN in column 0, which makes the argmax 0.
 */
export const sparseAccuracyKernel: HostKernel = {
  name: 'SteadygradSparseAccuracy',
  inputs: ['p', 'labels'],
  int32Inputs: ['labels'],
  outputs: ['hits'],
  outputShapes: (s) => ({ hits: [(s.p as readonly number[])[0] as number] }),
  compute(i, o, s, _attrs, ints) {
    const [n, k] = s.p as [number, number];
    const p = i.p as Float32Array;
    const labels = ints.labels as Int32Array;
    const hits = o.hits as Float32Array;
    for (let r = 0; r < n; r++) {
      const row = r * k;
      let max = p[row] as number;
      let arg = 0;
      for (let c = 1; c < k; c++) {
        const v = p[row + c] as number;
        if (v > max) {
          max = v;
          arg = c;
        }
      }
      hits[r] = arg === labels[r] ? 1 : 0;
    }
  },
  // tensorflow: ArgMax, Equal, Cast, as the op graph there (TensorFlow's ArgMax decides ties and NaN).
  tensorflow: ({ p, labels }, _attrs, native) => [
    sparseAccuracyTensorflow(native, p as Tensor, labels as Tensor),
  ],
};

/**
 * Whether predictions `p` and targets `labels` have the shapes the host kernels take: `p` is a float32
 * `[n, K]` matrix with `n, K ≥ 1`, and `labels` holds one number per row (`[n]` or `[n, 1]`).
 */
function hostShapes(labels: Tensor, p: Tensor): boolean {
  if (p.rank !== 2 || p.dtype !== 'float32' || p.size === 0) return false;
  const n = p.shape[0] as number;
  if (labels.size !== n || labels.rank < 1 || labels.rank > 2 || labels.shape[0] !== n) return false;
  return labels.dtype !== 'string' && labels.dtype !== 'complex64';
}

function asInt32(t: Tensor): Tensor {
  return t.dtype === 'int32' ? t : tf.cast(t, 'int32');
}

/**
 * Whether {@link sparseCategoricalCrossentropyHost} can compute the loss of these targets and predictions
 * (the backend is cpu, wasm or tensorflow, `p` is a float32 `[n, K]` matrix with `n, K ≥ 1`, `labels` is `[n]` or `[n, 1]`).
 */
export function sparseCrossentropyHostAvailable(labels: Tensor, p: Tensor): boolean {
  return (
    hostShapes(labels, p) &&
    hostKernelAvailable(sparseCrossentropyKernel) &&
    hostKernelAvailable(sparseCrossentropyGradKernel)
  );
}

/**
 * Sparse categorical cross-entropy of probabilities `p` `[n, K]` (the formula of
 * {@link sparseCrossentropyKernel}, mean over the batch) as ONE forward host kernel, differentiable in `p`
 * through ONE backward host kernel ({@link sparseCrossentropyGradKernel}; first order only). Labels that are
 * not int32 are cast first (truncating, as `tf.cast`). Check {@link sparseCrossentropyHostAvailable} first.
 */
export function sparseCategoricalCrossentropyHost(labels: Tensor, p: Tensor, epsilon: number): Scalar {
  const y = asInt32(labels);
  const attrs: ClipAttrs = { epsilon };
  const loss = lazyGradOp(
    { p },
    (save) => {
      const [value] = runHostKernel(sparseCrossentropyKernel, { p, labels: y }, attrs);
      // Saved (zero-copy shares that the tape frees) rather than captured: either may be an intermediate a
      // tidy disposes before backprop. tf.customGrad's `save` would copy both (an Identity kernel each).
      save([p, y]);
      return value as Tensor;
    },
    (dy, saved) => {
      const [sp, sy] = saved as [Tensor, Tensor];
      return {
        grads: {
          p: () => runHostKernel(sparseCrossentropyGradKernel, { dy, p: sp, labels: sy }, attrs)[0] as Tensor,
        },
      };
    },
  ) as Scalar;
  if (y !== labels) y.dispose();
  return loss;
}

/** Whether {@link sparseCategoricalAccuracyHost} can take these targets and predictions (same conditions). */
export function sparseAccuracyHostAvailable(labels: Tensor, p: Tensor): boolean {
  return hostShapes(labels, p) && hostKernelAvailable(sparseAccuracyKernel);
}

/**
 * Per-sample sparse categorical accuracy `1[argmax_k p_ik = y_i]` (float32 `[n]`) as ONE host kernel
 * ({@link sparseAccuracyKernel}). Labels that are not int32 are cast first (truncating, as `tf.cast`). Check
 * {@link sparseAccuracyHostAvailable} first.
 */
export function sparseCategoricalAccuracyHost(labels: Tensor, p: Tensor): Tensor {
  const y = asInt32(labels);
  const [hits] = runHostKernel(sparseAccuracyKernel, { p, labels: y }, {});
  if (y !== labels) y.dispose();
  return hits as Tensor;
}
