import * as tf from '@tensorflow/tfjs-core';
import { lazyGradOp } from '../runtime/lazy-grad.js';
import type { NativeHandle, NativeTensorflow } from '../runtime/native-tensorflow.js';
import type { HostMovingStatistics } from './batch-norm-op.js';

/**
 * Core's channels-last training-mode batch normalization (`batchNormTrainingHost`) on the `tensorflow` backend:
 * TensorFlow's `FusedBatchNormV3` forward and `FusedBatchNormGradV3` backward (one op each, on an `[n, 1, 1, C]`
 * view), where tfjs ops take ~20 forward and ~18 backward. The same formulas: the batch mean and the biased
 * variance over every axis but the last, `y = γ·(x − μ)/√(σ² + ε) + β`; its gradients in `x`, `γ` and `β`;
 * and the Keras update of the moving statistics, `moving ← moving·m + batch·(1 − m)` with the biased variance
 * (TensorFlow's own running variance uses the unbiased one: the difference is taken off, two small ops).
 */
export function batchNormTrainingTensorflow(
  native: NativeTensorflow,
  x: tf.Tensor,
  options: {
    readonly epsilon: number;
    readonly gamma?: tf.Tensor;
    readonly beta?: tf.Tensor;
    readonly moving?: HostMovingStatistics;
  },
): tf.Tensor {
  const { epsilon, gamma, beta, moving } = options;
  const channels = x.shape[x.rank - 1] as number;
  const rows = x.size / channels;
  const view = [rows, 1, 1, channels];
  const f = native.float;
  const attrs = [
    f,
    native.type('U', 'float32'),
    native.number('epsilon', epsilon),
    native.string('data_format', 'NHWC'),
    native.bool('is_training', true),
  ];
  const scaleOf = (g: tf.Tensor | undefined): tf.Tensor | NativeHandle => g ?? native.filled(channels, 1);
  const inputs: Record<string, tf.Tensor> = { x };
  if (gamma !== undefined) inputs.gamma = gamma;
  if (beta !== undefined) inputs.beta = beta;
  return lazyGradOp(
    inputs,
    (save) => {
      const x4 = native.reshape(x, view);
      const empty = native.filled(0, 0);
      // With the moving statistics as inputs and exponential_avg_factor f = 1 − m, TensorFlow returns the
      // running mean Keras keeps, (1 − f)·moving + f·μ, and a running variance blended with the UNBIASED batch
      // variance σ²·n/(n − 1) (σ²·1 for n = 1): Keras's biased blend is that minus f·σ²/(n − 1).
      const f1 = moving === undefined ? 1 : 1 - moving.momentum;
      const [y4, runMean, runVar, saved1, saved2, saved3] = native.run(
        'FusedBatchNormV3',
        [
          x4,
          scaleOf(gamma),
          beta ?? native.filled(channels, 0),
          moving?.mean ?? empty,
          moving?.variance ?? empty,
        ],
        [...attrs, native.number('exponential_avg_factor', f1)],
        6,
      ) as [NativeHandle, NativeHandle, NativeHandle, NativeHandle, NativeHandle, NativeHandle];
      if (moving !== undefined) {
        const newMean = native.wrap(runMean);
        let newVariance = runVar;
        if (rows > 1) {
          // saved2: the biased batch variance.
          const excess = native.run1('Mul', [saved2, native.scalar(f1 / (rows - 1))], [f]);
          newVariance = native.run1('Sub', [runVar, excess], [f]);
          native.free(excess, runVar);
        }
        const newVar = native.wrap(newVariance);
        moving.mean.assign(newMean);
        moving.variance.assign(newVar);
        tf.dispose([newMean, newVar]);
      } else native.free(runMean, runVar);
      const y = native.wrap(native.reshape(y4, x.shape));
      native.free(y4);
      const kept = [native.wrap(x4), native.wrap(saved1), native.wrap(saved2), native.wrap(saved3)];
      save(gamma === undefined ? kept : [...kept, gamma]);
      return y;
    },
    (dy, saved) => {
      const [sx4, s1, s2, s3, sg] = saved as [
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor,
        tf.Tensor | undefined,
      ];
      const run = (): tf.Tensor[] => {
        const dy4 = native.reshape(dy, view);
        const [dx4, dgamma, dbeta, r4, r5] = native.run(
          'FusedBatchNormGradV3',
          [dy4, sx4, scaleOf(sg), s1, s2, s3],
          attrs,
          5,
        ) as [NativeHandle, NativeHandle, NativeHandle, NativeHandle, NativeHandle];
        const dx = native.reshape(dx4, dy.shape);
        native.free(dy4, dx4, r4, r5);
        return [native.wrap(dx), native.wrap(dgamma), native.wrap(dbeta)];
      };
      // One op gives every gradient: `prepare` runs it once in the backward pass's scope; a gradient function
      // called without it runs its own (inside its own tidy, which frees the parts it does not return).
      let shared: tf.Tensor[] | undefined;
      const part = (k: number) => (): tf.Tensor => (shared ?? run())[k] as tf.Tensor;
      return {
        prepare: () => {
          shared = run();
        },
        grads: { x: part(0), gamma: part(1), beta: part(2) },
      };
    },
  );
}
