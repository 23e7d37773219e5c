import { checkNumber, type Tensor, tf } from '@steadygrad/core';
import { mapUpdates } from './per-parameter.js';
import type { EmptyState, Transform } from './transform.js';

/**
 * Rescales all updates together so that their joint L2 norm `n = √(Σ_p ‖u_p‖²)` is at most `maxNorm`:
 * `u ← u·c / max(n, c)` (Keras `global_clipnorm`, optax `clip_by_global_norm`). PyTorch's
 * `clip_grad_norm_` multiplies by `min(1, c / (n + 1e-6))`: the same up to a relative 1e-6/n.
 * Keeps the direction of the whole update. No device read: the factor stays a tensor.
 */
export function clipByGlobalNorm(maxNorm: number): Transform<EmptyState> {
  checkNumber('maxNorm', maxNorm, { above: 0 });
  return {
    init: () => null,
    update(updates, state) {
      const all = Object.values(updates);
      if (all.length === 0) return { updates, state };
      const squares: Tensor[] = all.map((u) => tf.sum(tf.square(u)));
      const norm = tf.sqrt(squares.length === 1 ? squares[0]! : tf.addN(squares));
      const c = tf.scalar(maxNorm);
      const factor = tf.div(c, tf.maximum(norm, c));
      return { updates: mapUpdates(updates, (u) => tf.mul(u, factor)), state };
    },
  };
}
