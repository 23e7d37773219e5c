import type { Tensor } from '@steadygrad/core';
import { type CallContext, Dense, type FusionRule, type Layer } from '@steadygrad/nn';
import type { BatchNormalization } from './batch-normalization.js';
import { normalizedDenseAvailable, normalizedDenseForward } from './bn-dense-op.js';

/**
 * BatchNormalization → Dense, the fusion rule `BatchNormalization` declares ({@link Layer.fusionRules}):
 * a training-mode batch normalization of a rank-2 batch whose output only a Dense layer reads runs with that
 * Dense layer as ONE op (`normalizedDenseForward`, bn-dense-op.ts): the same outputs, gradients and
 * moving-statistic updates as the two layers applied one after the other, and, when the normalization's input
 * needs no gradient (a BN on the model's input, as in the seed's BN-MLP), one large matmul less backward.
 *
 * Compile time: the normalization normalizes the last axis of rank-2 inputs and the reader is a Dense layer.
 * Run time, the rule declines (the plan runs the two layers) unless the call is a training-mode normalization
 * of a float32 batch by the layer's own op on a backend with the host kernels (`rowsTraining`) and the Dense
 * layer's activation runs inside its affine op (`relu`, linear, or `softmax` with the host kernels).
 */
export const batchNormDenseRule: FusionRule = {
  name: 'BatchNormalization → Dense',
  length: 2,
  matches(chain: readonly Layer[]): boolean {
    const [bn, dense] = chain;
    const shape = bn?.buildInputShape;
    return (
      bn !== undefined &&
      'rowsTraining' in bn &&
      dense instanceof Dense &&
      shape?.length === 2 &&
      ((bn as BatchNormalization).axis === -1 || (bn as BatchNormalization).axis === 1)
    );
  },
  apply(chain: readonly Layer[], x: Tensor, ctx: CallContext, intermediates?: Tensor[]): Tensor | undefined {
    const bn = chain[0] as BatchNormalization;
    const dense = chain[1] as Dense;
    const activation = dense.affineActivation;
    if (activation === undefined || !normalizedDenseAvailable()) return undefined;
    const norm = bn.rowsTraining(x, ctx);
    if (norm === undefined) return undefined;
    const y = normalizedDenseForward(
      x,
      norm,
      dense.kernel.variable,
      dense.bias?.variable,
      activation,
      intermediates,
    );
    if (dense.activityRegularizer !== undefined && ctx.losses !== undefined) {
      ctx.losses.push(dense.activityRegularizer.penalty(y));
    }
    return y;
  },
};
