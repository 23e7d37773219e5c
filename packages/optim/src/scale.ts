import { checkNumber, tf } from '@steadygrad/core';
import { mapUpdates } from './per-parameter.js';
import type { EmptyState, Transform } from './transform.js';

/** `u ← factor·u` (optax `scale`). `factor` is any finite number; one scalar per update call. */
export function scale(factor: number): Transform<EmptyState> {
  checkNumber('factor', factor);
  return {
    init: () => null,
    update(updates, state) {
      const s = tf.scalar(factor);
      return { updates: mapUpdates(updates, (u) => tf.mul(u, s)), state };
    },
  };
}
