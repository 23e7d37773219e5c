import {
  checkNumber,
  checkOptions,
  optionKeys,
  type ScalarOrSchedule,
  type Schedule,
} from '@steadygrad/core';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { fusedSgdApply } from './fused-sgd.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { momentumAt, type TraceState, trace } from './trace.js';
import type { LearningRateAccess, Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

export interface SgdOptions extends ClippingOptions {
  /** Number >= 0 or schedule `(step) => number`. Default 0.01 (Keras 3). */
  readonly learningRate?: ScalarOrSchedule;
  /**
   * Momentum μ in [0, 1), or a schedule `(step) => μ_t` (e.g. `oneCycle(...).momentum`), evaluated at the
   * same step count as a learning-rate schedule (updates done, 0 first). Default 0 (plain SGD).
   */
  readonly momentum?: number | Schedule;
  /** Nesterov momentum (only with momentum > 0). Default false. */
  readonly nesterov?: boolean;
}

const SGD_KEYS = optionKeys<SgdOptions>()(['learningRate', 'momentum', 'nesterov', ...CLIPPING_KEYS]);

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
 *
 * A momentum schedule gives `v ← μ_t·v − lr_t·g` (Nesterov `w ← w + μ_t·v − lr_t·g`) with μ_t and lr_t
 * both evaluated at t = updates done; a schedule always keeps the momentum link (even where μ_t = 0).
 * PyTorch's `OneCycleLR` cycles the momentum of its own form `b ← μ_t·b + g; w ← w − lr_t·b`.
 */
export function sgd(options: SgdOptions = {}): Transform<readonly unknown[]> {
  checkOptions('sgd', options, SGD_KEYS);
  const { learningRate = 0.01, momentum = 0, nesterov = false } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  const scheduled = typeof momentum === 'function';
  if (!scheduled) checkNumber('momentum', momentum, { min: 0, below: 1 });
  const clip = clippingTransforms(options);
  const { clipValue, clipNorm, globalClipNorm } = options;
  const tx = describedAs(
    scheduled || momentum > 0
      ? chain(...clip, scaleByLearningRate(lr), trace({ decay: momentum, nesterov }))
      : chain(...clip, scaleByLearningRate(lr)),
    'sgd',
    { learningRate, momentum, nesterov, clipValue, clipNorm, globalClipNorm },
  );
  if (clip.length > 0) return tx;
  const access = tx.learningRate as LearningRateAccess<readonly unknown[]>;
  return {
    ...tx,
    // One kernel per parameter on the cpu and wasm backends (see fused-sgd.ts); same numbers, same state.
    fusedApply: (grads, state, params) => {
      if (!scheduled) {
        return fusedSgdApply(grads, state, params, access.get(state), momentum, nesterov);
      }
      const count = (state[1] as TraceState).count ?? 0;
      const mu = momentumAt(momentum, count);
      // The fused kernel keeps no velocity for μ = 0: that rare step runs the unfused chain.
      if (mu === 0) return undefined;
      const out = fusedSgdApply(grads, state, params, access.get(state), mu, nesterov);
      if (out === undefined) return undefined;
      const next = out.state[1] as TraceState;
      return { params: out.params, state: [out.state[0], { trace: next.trace, count: count + 1 }] };
    },
  };
}
