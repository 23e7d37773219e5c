import { type BatchSource, RandomStream, registerGradients, tf } from '@steadygrad/core';
import type { Sequential } from '@steadygrad/nn';
import { sparseCategoricalCrossentropy } from '@steadygrad/train';

/**
 * The L2 norm of every Dense kernel's gradient (input to output) of the sparse categorical cross-entropy on
 * each of the first `steps` batches of a seeded shuffle, at the model's *initial* weights and in training mode
 * (batch statistics). Nothing is learned: the weights, and the batch-normalization moving statistics that the
 * training-mode forward passes move, are restored afterwards. One device read per batch.
 */
export function firstStepGradientNorms(
  model: Sequential,
  x: BatchSource,
  y: BatchSource,
  options: { readonly steps: number; readonly batchSize: number; readonly seed: number },
): number[][] {
  const { steps, batchSize, seed } = options;
  registerGradients();
  const snapshot = model.getWeights();
  const loss = sparseCategoricalCrossentropy();
  const order = new RandomStream(seed).permutation(x.size);
  const kernels = model.trainableParameters.filter((p) => p.name.endsWith('/kernel'));
  const out: number[][] = [];
  try {
    for (let s = 0; s < steps && (s + 1) * batchSize <= x.size; s++) {
      const idx = order.subarray(s * batchSize, (s + 1) * batchSize);
      const norms = tf.tidy(() => {
        const xb = x.batch(idx);
        const yb = y.batch(idx);
        const { grads } = tf.variableGrads(
          () => loss(yb, model.apply(xb, { training: true, rng: new RandomStream(seed + s) })),
          kernels.map((p) => p.variable),
        );
        return tf.stack(kernels.map((p) => tf.norm(grads[p.variable.name] as tf.Tensor)));
      });
      out.push(Array.from(norms.dataSync()));
      norms.dispose();
    }
  } finally {
    model.setWeights(snapshot);
    tf.dispose(snapshot);
  }
  return out;
}
