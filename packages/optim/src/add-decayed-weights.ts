import { checkNumber, checkOptions, optionKeys, tf } from '@steadygrad/core';
import { isSelected, type Mask } from './mask.js';
import { mapUpdates, paramOf } from './per-parameter.js';
import type { EmptyState, Transform } from './transform.js';

/** Options of `addDecayedWeights`: which parameters decay. */
export interface AddDecayedWeightsOptions {
  /** Parameters to decay (default: all). Unselected parameters' updates pass through unchanged. */
  readonly mask?: Mask;
}

const ADD_DECAYED_WEIGHTS_KEYS = optionKeys<AddDecayedWeightsOptions>()(['mask']);

/**
 * Decoupled weight decay (optax `add_decayed_weights`): `u ← u + rate·w` for the selected parameters.
 * Before `scaleByLearningRate(lr)` this becomes `w ← w − lr·(u + rate·w)`, the Keras 3 / PyTorch AdamW decay
 * `w ← w − lr·wd·w`.
 */
export function addDecayedWeights(
  rate: number,
  options: AddDecayedWeightsOptions = {},
): Transform<EmptyState> {
  checkOptions('addDecayedWeights', options, ADD_DECAYED_WEIGHTS_KEYS);
  const { mask } = options;
  checkNumber('rate', rate, { min: 0 });
  return {
    init: () => null,
    update(updates, state, params) {
      const r = tf.scalar(rate);
      return {
        updates: mapUpdates(updates, (u, name) => {
          const w = paramOf(params, name, 'addDecayedWeights');
          return mask === undefined || isSelected(mask, name, w) ? tf.add(u, tf.mul(w, r)) : u;
        }),
        state,
      };
    },
  };
}
