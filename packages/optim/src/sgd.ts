import { checkNumber, type ScalarOrSchedule } from '@steadygrad/core';
import { chain } from './chain.js';
import { type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { fusedSgdApply } from './fused-sgd.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { trace } from './trace.js';
import type { LearningRateAccess, Transform } from './transform.js';

export interface SgdOptions extends ClippingOptions {
  /** Number >= 0 or schedule `(step) => number`. Default 0.01 (Keras 3). */
  readonly learningRate?: ScalarOrSchedule;
  /** Momentum μ in [0, 1). Default 0 (plain SGD). */
  readonly momentum?: number;
  /** Nesterov momentum (only with momentum > 0). Default false. */
  readonly nesterov?: boolean;
}

/**
 * Stochastic gradient descent, Keras 3 form: `chain(clip?, scaleByLearningRate(lr), trace(μ, nesterov)?)`.
 * - plain: `w ← w − lr·g`
 * - momentum: `v ← μ·v − lr·g; w ← w + v`
 * - Nesterov: `v ← μ·v − lr·g; w ← w + μ·v − lr·g`
 *
 * PyTorch's `SGD` keeps `b ← μ·b + g; w ← w − lr·b` (Nesterov `w ← w − lr·(g + μ·b)`): the same trajectory
 * for a constant learning rate, different once it changes (Keras's velocity holds steps taken with the old
 * rate; PyTorch rescales the whole buffer by the new rate). The seed's notes write a third form, the EMA
 * `v ← βv + (1 − β)g`, which equals this one with the learning rate scaled by (1 − β).
 */
export function sgd(options: SgdOptions = {}): Transform<readonly unknown[]> {
  const { learningRate = 0.01, momentum = 0, nesterov = false } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkNumber('momentum', momentum, { min: 0, below: 1 });
  const clip = clippingTransforms(options);
  const tx =
    momentum > 0
      ? chain(...clip, scaleByLearningRate(lr), trace({ decay: momentum, nesterov }))
      : chain(...clip, scaleByLearningRate(lr));
  if (clip.length > 0) return tx;
  const access = tx.learningRate as LearningRateAccess<readonly unknown[]>;
  return {
    ...tx,
    // One kernel per parameter on the cpu and wasm backends (see fused-sgd.ts); same numbers, same state.
    fusedApply: (grads, state, params) =>
      fusedSgdApply(grads, state, params, access.get(state), momentum, nesterov),
  };
}
