import { checkNumber, tf } from '@steadygrad/core';
import { mapUpdates } from './per-parameter.js';
import type { EmptyState, Transform } from './transform.js';

/**
 * Rescales each tensor separately so that its L2 norm is at most `maxNorm`: `u ← u·c / max(‖u‖₂, c)`
 * (Keras `clipnorm`; PyTorch has no per-tensor option, `clip_grad_norm_` on one tensor uses
 * `c / (‖u‖ + 1e-6)`). Keeps each tensor's direction. Six kernels per parameter, no device read.
 */
export function clipByNorm(maxNorm: number): Transform<EmptyState> {
  checkNumber('maxNorm', maxNorm, { above: 0 });
  return {
    init: () => null,
    update(updates, state) {
      const c = tf.scalar(maxNorm);
      return {
        updates: mapUpdates(updates, (u) =>
          tf.mul(u, tf.div(c, tf.maximum(tf.sqrt(tf.sum(tf.square(u))), c))),
        ),
        state,
      };
    },
  };
}
