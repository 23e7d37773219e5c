import type { Tensor } from '@steadygrad/core';
import { batchNormTrainKernel, runHostKernel } from '@steadygrad/core/kernels';
import type { MovingStatistics } from './batch-norm-ops.js';

/** What {@link batchNormTrainRows} normalizes with: BatchNormalization's epsilon, γ, β and moving statistics. */
export interface BatchNormRowsOptions {
  /** Added to the variance before the square root. */
  readonly epsilon: number;
  /** The scale γ `[C]`, or undefined (scale 1). */
  readonly gamma: Tensor | undefined;
  /** The offset β `[C]`, or undefined (offset 0). */
  readonly beta: Tensor | undefined;
  /** The moving statistics this forward pass updates (Keras momentum). */
  readonly moving: MovingStatistics;
}

/**
 * BatchNormalization's training-mode forward pass on an `[n, C]` float32 batch (statistics per column) by
 * core's host kernel (`batchNormTrainKernel`: `y = γ·(x − μ)·inv + β`, `inv = 1/√(σ² + ε)`, biased batch
 * variance), and the Keras update of the moving statistics, `moving ← moving·m + batch·(1 − m)`, assigned here
 * (outside the gradient tape when called from a custom-gradient forward). Returns `y` and what a backward pass
 * needs with `x`: the batch `mean` and `inv` `[C]`. The forward half of the BatchNormalization → Dense fused op
 * (`bn-dense-op.ts`); the layer's own op is core's `batchNormTrainingHost`, the same kernel and update.
 */
export function batchNormTrainRows(
  x: Tensor,
  options: BatchNormRowsOptions,
): { y: Tensor; mean: Tensor; inv: Tensor } {
  const { epsilon, gamma, beta, moving } = options;
  const out = runHostKernel(
    batchNormTrainKernel,
    { x, gamma, beta, movingMean: moving.mean, movingVariance: moving.variance },
    { epsilon, momentum: moving.momentum },
  );
  const [y, mean, inv, newMean, newVariance] = out as [Tensor, Tensor, Tensor, Tensor, Tensor];
  moving.mean.assign(newMean);
  moving.variance.assign(newVariance);
  return { y, mean, inv };
}
