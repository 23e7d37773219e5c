import type { BatchSource } from '@steadygrad/core';
import { tf } from '@steadygrad/core';
import { type ImageSplit, imageSource } from '@steadygrad/datasets';
import type { Sequential } from '@steadygrad/nn';
import { mcPredict } from '@steadygrad/regularization';

/** MC-dropout figures of one model on a labelled set. */
export interface McFigures {
  /** Accuracy of `argmax` of the MC-averaged probabilities. */
  readonly accuracy: number;
  /** Mean over the inputs of the MC standard deviation of the predicted class's probability. */
  readonly meanStd: number;
  /** Mean predictive entropy (nats). */
  readonly meanEntropy: number;
}

/**
 * Runs {@link mcPredict} over `x` and reads back, once, the per-input figures: predicted class, its MC
 * mean and std, the true label's agreement and the predictive entropy.
 */
export function mcPerInput(
  model: Sequential,
  x: BatchSource,
  samples: number,
  seed: number,
): { mean: Float32Array; std: Float32Array; entropy: Float32Array; classes: number } {
  const r = mcPredict(model, x, { samples, seed, batchSize: 1000 });
  try {
    const classes = r.mean.shape[1] ?? 1;
    return {
      mean: r.mean.dataSync() as Float32Array,
      std: r.std.dataSync() as Float32Array,
      entropy: r.entropy.dataSync() as Float32Array,
      classes,
    };
  } finally {
    tf.dispose([r.mean, r.std, r.entropy]);
  }
}

/** Index of the largest of `values[offset .. offset + n)`, relative to `offset`. */
export function argmaxAt(values: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) {
    if ((values[offset + k] as number) > (values[offset + best] as number)) best = k;
  }
  return best;
}

export function mcFigures(model: Sequential, split: ImageSplit, samples: number, seed: number): McFigures {
  const { mean, std, entropy, classes } = mcPerInput(model, imageSource(split), samples, seed);
  let correct = 0;
  let stdSum = 0;
  let entropySum = 0;
  for (let i = 0; i < split.count; i++) {
    const k = argmaxAt(mean, i * classes, classes);
    if (k === split.labels[i]) correct++;
    stdSum += std[i * classes + k] as number;
    entropySum += entropy[i] as number;
  }
  return {
    accuracy: correct / split.count,
    meanStd: stdSum / split.count,
    meanEntropy: entropySum / split.count,
  };
}
