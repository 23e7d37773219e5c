import { checkNumber, tf } from '@steadygrad/core';
import { mapUpdates } from './per-parameter.js';
import type { EmptyState, Transform } from './transform.js';

/**
 * Clips every element to `[−maxDelta, maxDelta]` (Keras `clipvalue`, PyTorch `clip_grad_value_`; exact, one
 * kernel per parameter). Clipping coordinates separately changes the gradient's *direction* whenever some,
 * but not all, coordinates are clipped — the seed notebook's remark; {@link clipByNorm} keeps it.
 */
export function clipByValue(maxDelta: number): Transform<EmptyState> {
  checkNumber('maxDelta', maxDelta, { above: 0 });
  return {
    init: () => null,
    update: (updates, state) => ({
      updates: mapUpdates(updates, (u) => tf.clipByValue(u, -maxDelta, maxDelta)),
      state,
    }),
  };
}
