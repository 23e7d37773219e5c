import { tf } from '@steadygrad/core';
import { mapUpdates } from './per-parameter.js';
import type { EmptyState, Transform } from './transform.js';

/**
 * Replaces every update by zeros, so the parameters stay bit-identical: use it in {@link partition} to freeze a
 * group (optax `set_to_zero`).
 */
export function setToZero(): Transform<EmptyState> {
  return {
    init: () => null,
    update: (updates, state) => ({ updates: mapUpdates(updates, (u) => tf.zerosLike(u)), state }),
  };
}
