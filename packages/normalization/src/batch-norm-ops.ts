import { SteadygradError, type Tensor, tf, type Variable } from '@steadygrad/core';
import { batchNormHostAvailable, batchNormTrainingHost } from '@steadygrad/core/kernels';
import { otherAxes } from './axes.js';

/**
 * The moving statistics a training-mode batch normalization updates, with the Keras momentum `m`:
 * `moving ← moving·m + batch·(1 − m)`, using the batch mean and the BIASED batch variance (divisor n),
 * exactly as Keras 3's `BatchNormalization.call` does (`ops.moments` for both the normalization and the
 * update). PyTorch differs: `running ← running·(1 − p) + batch·p` with p = 1 − m, and the UNBIASED variance
 * (divisor n − 1) in `running_var` — see `fromPyTorchBatchNorm`.
 */
export interface MovingStatistics {
  readonly mean: Variable;
  readonly variance: Variable;
  readonly momentum: number;
}

/** Options of {@link batchNormTraining} and {@link batchNormTrainingReference}. */
export interface BatchNormTrainingOptions {
  /** The feature axis, non-negative (`x.rank − 1` for Keras' `axis = -1`). Statistics reduce over all others. */
  readonly axis: number;
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** Per-feature scale γ (shape `[C]`); omitted = 1 (Keras `scale = false`). */
  readonly gamma?: Tensor;
  /** Per-feature offset β (shape `[C]`); omitted = 0 (Keras `center = false`). */
  readonly beta?: Tensor;
  /** When given, updated in place from this batch's statistics (not recorded on the gradient tape). */
  readonly moving?: MovingStatistics;
}

/** Options of {@link batchNormInference}. */
export interface BatchNormInferenceOptions {
  readonly axis: number;
  readonly epsilon: number;
  readonly gamma?: Tensor;
  readonly beta?: Tensor;
  /** The statistics to normalize with (shape `[C]`): the moving mean and moving variance. */
  readonly mean: Tensor;
  readonly variance: Tensor;
}

interface Layout {
  /** Shape `x` is reshaped to (channels-last inputs are viewed as `[n, C]`), or `null` to keep it. */
  readonly view: number[] | null;
  /** Reduction axes in the viewed shape. */
  readonly axes: number[];
  /** Shape per-feature vectors are reshaped to so they broadcast against the viewed input. */
  readonly paramShape: number[];
  readonly channels: number;
  /** Number of values each feature's statistics average over (n). */
  readonly count: number;
}

function layoutFor(shape: readonly number[], axis: number): Layout {
  const rank = shape.length;
  if (!Number.isInteger(axis) || axis < 0 || axis >= rank) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `batch normalization axis must be an integer in [0, ${rank - 1}] for an input of shape [${shape}], got ${axis}`,
    );
  }
  const channels = shape[axis] as number;
  const count = tf.util.sizeFromShape(shape as number[]) / channels;
  if (axis === rank - 1) {
    // Channels-last (Keras' default): a free reshape to [n, C] turns every reduction into one over axis 0.
    return {
      view: rank === 2 ? null : [count, channels],
      axes: [0],
      paramShape: [channels],
      channels,
      count,
    };
  }
  const paramShape = new Array<number>(rank).fill(1);
  paramShape[axis] = channels;
  return { view: null, axes: otherAxes(rank, [axis]), paramShape, channels, count };
}

function checkParam(name: string, t: Tensor | undefined, channels: number): void {
  if (t !== undefined && (t.rank !== 1 || t.shape[0] !== channels)) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `batch normalization ${name} must have shape [${channels}] (one value per feature), got [${t.shape}]`,
    );
  }
}

function asParam(t: Tensor, layout: Layout): Tensor {
  return layout.paramShape.length === 1 ? t : tf.reshape(t, layout.paramShape);
}

/**
 * `moving ← moving·m + batch·(1 − m)` for both statistics. Runs in its own `tidy`; the variables keep the new
 * values, every temporary is freed. `batchMean`/`batchVariance` have shape `[C]`.
 */
function updateMoving(moving: MovingStatistics, batchMean: Tensor, batchVariance: Tensor): void {
  const { mean, variance, momentum } = moving;
  tf.tidy(() => {
    const m = tf.scalar(momentum);
    const oneMinusM = tf.scalar(1 - momentum);
    mean.assign(tf.add(tf.mul(mean, m), tf.mul(batchMean, oneMinusM)));
    variance.assign(tf.add(tf.mul(variance, m), tf.mul(batchVariance, oneMinusM)));
  });
}

/**
 * Training-mode batch normalization as ONE differentiable operation with a closed-form backward pass
 * (Ioffe & Szegedy 2015), the fast path `BatchNormalization` uses.
 *
 * Forward, per feature c over the n values of all other axes (Keras 3 / PyTorch training mode alike):
 * `μ = mean(x)`, `σ² = mean((x − μ)²)` (biased), `x̂ = (x − μ)/√(σ² + ε)`, `y = γ·x̂ + β`.
 *
 * Backward, for an upstream gradient dy (means and sums over the same n values):
 * `dβ = Σ dy`, `dγ = Σ dy·x̂`, `dx = γ/√(σ² + ε) · (dy − mean(dy) − x̂·mean(dy·x̂))`.
 *
 * Dispatch: channels-last float32 inputs on the cpu and wasm backends run core's host kernels
 * (`batchNormTrainingHost`: one kernel forward, one backward); every other case runs
 * {@link batchNormTrainingOps}, the same formulas as a custom-gradient composition of tfjs ops. Both are
 * pinned against the autodiff composition ({@link batchNormTrainingReference}) and PyTorch fixtures.
 *
 * When `moving` is given, the moving statistics are updated inside the forward pass with `variable.assign`,
 * outside the gradient tape (tfjs runs a custom-gradient forward with recording off), so the update works
 * inside `tf.variableGrads`/`tf.grads`, is never differentiated and leaves no tensors behind.
 *
 * Only first-order gradients are supported (the backward pass is not itself differentiable).
 */
export function batchNormTraining(x: Tensor, options: BatchNormTrainingOptions): Tensor {
  const { axis, epsilon, gamma, beta, moving } = options;
  const layout = layoutFor(x.shape, axis);
  checkParam('gamma', gamma, layout.channels);
  checkParam('beta', beta, layout.channels);
  // Channels-last float32 on the cpu and wasm backends: one host kernel forward, one backward (core's
  // `batchNormTrainingHost`, same formulas and moving-statistic update; tested against the reference).
  if (axis === x.rank - 1 && x.dtype === 'float32' && batchNormHostAvailable()) {
    return batchNormTrainingHost(x, { epsilon, gamma, beta, moving });
  }
  return batchNormTrainingOps(x, options);
}

/**
 * {@link batchNormTraining} composed of tfjs ops inside one `tf.customGrad`: what runs on backends without
 * host kernels (webgl, tensorflow) and for non-channels-last layouts.
 *
 * Kernels on the full-size tensor: 6 forward (sum, sub, square, sum, mul, add), 7 backward (sum, mul, sum,
 * mul, mul, add, add); the rest act on `[C]` vectors. The autodiff composition
 * ({@link batchNormTrainingReference}) runs more than twice as many kernels in all. Channels-last inputs are
 * viewed as `[n, C]` and their per-feature sums computed as `ones[1, n] @ v` (a plain matmul is several times
 * faster than a reduction over axis 0 on the wasm and cpu backends, which transpose first).
 */
export function batchNormTrainingOps(x: Tensor, options: BatchNormTrainingOptions): Tensor {
  const { axis, epsilon, gamma, beta, moving } = options;
  const layout = layoutFor(x.shape, axis);
  checkParam('gamma', gamma, layout.channels);
  checkParam('beta', beta, layout.channels);
  const { view, axes, channels, count } = layout;
  const inputs: Tensor[] = [x];
  if (gamma !== undefined) inputs.push(gamma);
  if (beta !== undefined) inputs.push(beta);

  // Column sums of the [n, C] view as `ones[1, n] @ v`: on the wasm and cpu backends a plain matmul is several
  // times faster than a reduction over axis 0 (which transposes first). Other layouts reduce directly.
  const channelsLast = axes.length === 1 && axes[0] === 0;
  const sumOver = (v: Tensor, ones: Tensor | undefined): Tensor =>
    ones === undefined ? tf.sum(v, axes, true) : tf.matMul(ones, v as tf.Tensor2D);

  const op = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const xIn = args[0] as Tensor;
    const g = gamma === undefined ? undefined : asParam(args[1] as Tensor, layout);
    const b = beta === undefined ? undefined : asParam(args[gamma === undefined ? 1 : 2] as Tensor, layout);
    const xv = view === null ? xIn : tf.reshape(xIn, view);
    const ones = channelsLast ? tf.ones([1, count]) : undefined;
    const invCount = tf.scalar(1 / count);
    const mean = tf.mul(sumOver(xv, ones), invCount);
    const xc = tf.sub(xv, mean);
    const variance = tf.mul(sumOver(tf.square(xc), ones), invCount);
    const inv = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
    const scale = g === undefined ? inv : tf.mul(inv, g);
    const yv = b === undefined ? tf.mul(xc, scale) : tf.add(tf.mul(xc, scale), b);
    if (moving !== undefined) {
      updateMoving(moving, tf.reshape(mean, [channels]), tf.reshape(variance, [channels]));
    }
    const toSave = [xc, inv];
    if (g !== undefined) toSave.push(g);
    if (ones !== undefined) toSave.push(ones);
    save(toSave);
    return {
      value: view === null ? yv : tf.reshape(yv, xIn.shape),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const sxc = saved[0] as Tensor;
        const sinv = saved[1] as Tensor;
        const sg = g === undefined ? undefined : saved[2];
        const sones = ones === undefined ? undefined : saved[saved.length - 1];
        const dyv = view === null ? dy : tf.reshape(dy, view);
        const sumDy = sumOver(dyv, sones); // = dβ
        const sumDyXc = sumOver(tf.mul(dyv, sxc), sones);
        const dGamma = tf.mul(sumDyXc, sinv); // Σ dy·x̂
        const a = sg === undefined ? sinv : tf.mul(sg, sinv); // γ/σ
        const t = tf.mul(a, tf.scalar(-1 / count)); // −γ/(σ n)
        // dx = (γ/σ)·(dy − Σdy/n − x̂·Σ(dy·x̂)/n) = dy·a + xc·(t·inv·dγ) + t·dβ
        const bCoef = tf.mul(tf.mul(t, sinv), dGamma);
        const cCoef = tf.mul(t, sumDy);
        const dxv = tf.add(tf.add(tf.mul(dyv, a), tf.mul(sxc, bCoef)), cCoef);
        const grads: Tensor[] = [view === null ? dxv : tf.reshape(dxv, dy.shape)];
        if (gamma !== undefined) grads.push(tf.reshape(dGamma, [channels]));
        if (beta !== undefined) grads.push(tf.reshape(sumDy, [channels]));
        return grads;
      },
    };
  });
  return op(...inputs);
}

/**
 * The straightforward autodiff composition of training-mode batch normalization — same formulas and same
 * moving-statistic update as {@link batchNormTraining}, every gradient derived by tfjs from the primitive
 * ops. Kept as the reference the fused path is tested against (values and all gradients).
 */
export function batchNormTrainingReference(x: Tensor, options: BatchNormTrainingOptions): Tensor {
  const { axis, epsilon, gamma, beta, moving } = options;
  const layout = layoutFor(x.shape, axis);
  checkParam('gamma', gamma, layout.channels);
  checkParam('beta', beta, layout.channels);
  const axes = otherAxes(x.rank, [axis]);
  const paramShape = new Array<number>(x.rank).fill(1);
  paramShape[axis] = layout.channels;
  const { mean, variance } = tf.moments(x, axes, true);
  if (moving !== undefined) {
    updateMoving(moving, tf.reshape(mean, [layout.channels]), tf.reshape(variance, [layout.channels]));
  }
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, tf.scalar(epsilon))));
  if (gamma !== undefined) y = tf.mul(y, tf.reshape(gamma, paramShape));
  if (beta !== undefined) y = tf.add(y, tf.reshape(beta, paramShape));
  return y;
}

/**
 * Inference-mode batch normalization with given statistics (the moving ones):
 * `y = γ·(x − mean)/√(variance + ε) + β`, computed as `x·s + t` with `s = γ/√(variance + ε)` and
 * `t = β − mean·s` (two full-size kernels). Differentiable by autodiff in x, γ and β.
 */
export function batchNormInference(x: Tensor, options: BatchNormInferenceOptions): Tensor {
  const { axis, epsilon, gamma, beta, mean, variance } = options;
  const layout = layoutFor(x.shape, axis);
  checkParam('gamma', gamma, layout.channels);
  checkParam('beta', beta, layout.channels);
  checkParam('mean', mean, layout.channels);
  checkParam('variance', variance, layout.channels);
  return tf.tidy(() => {
    const inv = tf.rsqrt(tf.add(variance, tf.scalar(epsilon)));
    const s = gamma === undefined ? inv : tf.mul(gamma, inv);
    const negMeanS = tf.neg(tf.mul(mean, s));
    const t = beta === undefined ? negMeanS : tf.add(beta, negMeanS);
    return tf.add(tf.mul(x, asParam(s, layout)), asParam(t, layout));
  });
}
