// Batch normalization's training op on the host kernels: the row forward (kernel + the Keras moving-statistics
// update) and the channels-last op with its custom gradient. The kernels themselves are in batch-norm.ts.
import * as tf from '@tensorflow/tfjs-core';
import { hostKernelAvailable, runHostKernel } from '../runtime/host-kernel.js';
import { lazyGradOp } from '../runtime/lazy-grad.js';
import { NativeTensorflow } from '../runtime/native-tensorflow.js';
import { batchNormGradKernel, batchNormTrainKernel } from './batch-norm.js';
import { batchNormTrainingTensorflow } from './batch-norm-tensorflow.js';

/** The moving statistics {@link batchNormTrainingHost} updates in place (Keras momentum m). */
export interface HostMovingStatistics {
  readonly mean: tf.Variable;
  readonly variance: tf.Variable;
  readonly momentum: number;
}

/** Whether {@link batchNormTrainingHost} can run on the active backend (cpu, wasm or tensorflow). */
export function batchNormHostAvailable(): boolean {
  if (NativeTensorflow.current() !== undefined) return true;
  return hostKernelAvailable(batchNormTrainKernel) && hostKernelAvailable(batchNormGradKernel);
}

/** What {@link batchNormTrainRows} normalizes with: the epsilon, γ, β and moving statistics of a BN layer. */
export interface BatchNormRowsOptions {
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** The scale γ `[C]`, or undefined (scale 1). */
  readonly gamma: tf.Tensor | undefined;
  /** The offset β `[C]`, or undefined (offset 0). */
  readonly beta: tf.Tensor | undefined;
  /** The moving statistics this forward pass updates (Keras momentum); none for a plain normalization. */
  readonly moving: HostMovingStatistics | undefined;
}

/**
 * The training-mode forward pass on an `[n, C]` float32 batch (statistics per column) by
 * {@link batchNormTrainKernel} (`y = γ·(x − μ)·inv + β`, `inv = 1/√(σ² + ε)`, biased batch variance), and the
 * Keras update of the moving statistics, `moving ← moving·m + batch·(1 − m)`, assigned here (outside the
 * gradient tape when called from a custom-gradient forward). Returns `y` and what a backward pass needs with
 * `x`: the batch `mean` and `inv` `[C]`. The one forward of batch normalization on the host kernels: both
 * {@link batchNormTrainingHost} and normalization's BatchNormalization → Dense fused op run it.
 */
export function batchNormTrainRows(
  x: tf.Tensor,
  options: BatchNormRowsOptions,
): { y: tf.Tensor; mean: tf.Tensor; inv: tf.Tensor } {
  const { epsilon, gamma, beta, moving } = options;
  const out = runHostKernel(
    batchNormTrainKernel,
    { x, gamma, beta, movingMean: moving?.mean, movingVariance: moving?.variance },
    { epsilon, momentum: moving?.momentum ?? 0 },
  );
  const [y, mean, inv] = out as [tf.Tensor, tf.Tensor, tf.Tensor];
  if (moving !== undefined) {
    const [newMean, newVariance] = out.slice(3) as [tf.Tensor, tf.Tensor];
    moving.mean.assign(newMean);
    moving.variance.assign(newVariance);
  }
  return { y, mean, inv };
}

/**
 * Channels-last training-mode batch normalization as ONE forward kernel and ONE backward kernel (host
 * kernels, cpu and wasm backends; TensorFlow's fused batch normalization on `tensorflow`): the formulas of {@link batchNormTrainKernel} / {@link batchNormGradKernel}
 * over every axis but the last. When `moving` is given its variables are assigned the updated statistics
 * during the forward pass (outside the gradient tape). Differentiable in `x`, `gamma` and `beta` (first
 * order). Check {@link batchNormHostAvailable} first.
 */
export function batchNormTrainingHost(
  x: tf.Tensor,
  options: {
    readonly epsilon: number;
    readonly gamma?: tf.Tensor;
    readonly beta?: tf.Tensor;
    readonly moving?: HostMovingStatistics;
  },
): tf.Tensor {
  const native = NativeTensorflow.current();
  if (native !== undefined) return batchNormTrainingTensorflow(native, x, options);
  const { epsilon, gamma, beta, moving } = options;
  const channels = x.shape[x.rank - 1] as number;
  const rows = x.size / channels;
  const inputs: Record<string, tf.Tensor> = { x };
  if (gamma !== undefined) inputs.gamma = gamma;
  if (beta !== undefined) inputs.beta = beta;
  return lazyGradOp(
    inputs,
    (save) => {
      const x2 = x.rank === 2 ? x : tf.reshape(x, [rows, channels]);
      const { y: y2, mean, inv } = batchNormTrainRows(x2, { epsilon, gamma, beta, moving });
      save(gamma === undefined ? [x2, mean, inv] : [x2, mean, inv, gamma]);
      return x.rank === 2 ? y2 : tf.reshape(y2, x.shape);
    },
    (dy, saved) => {
      const [sx, smean, sinv, sg] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const dy2 = dy.rank === 2 ? dy : tf.reshape(dy, [rows, channels]);
      const run = (inputGrad: boolean) =>
        runHostKernel(
          batchNormGradKernel,
          { dy: dy2, x: sx, mean: smean, inv: sinv, gamma: sg },
          { inputGrad },
        );
      // The gradients come from one kernel: `prepare` runs it once, with `dx` only when the input's gradient
      // is needed (it is asked for first when it is); each gradient function falls back to its own run.
      let shared: tf.Tensor[] | undefined;
      const part = (name: 'dx' | 'dgamma' | 'dbeta'): tf.Tensor => {
        if (name === 'dx') {
          const dx2 = (shared !== undefined && shared.length === 3 ? shared : run(true))[0] as tf.Tensor;
          return dy.rank === 2 ? dx2 : tf.reshape(dx2, dy.shape);
        }
        const outs = shared ?? run(false);
        return outs[outs.length - (name === 'dgamma' ? 2 : 1)] as tf.Tensor;
      };
      return {
        prepare: (first: string) => {
          shared = run(first === 'x');
        },
        grads: { x: () => part('dx'), gamma: () => part('dgamma'), beta: () => part('dbeta') },
      };
    },
  );
}
