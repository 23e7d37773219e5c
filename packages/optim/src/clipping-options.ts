import { checkNumber, SteadygradError } from '@steadygrad/core';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { clipByNorm } from './clip-by-norm.js';
import { clipByValue } from './clip-by-value.js';
import type { EmptyState, Transform } from './transform.js';

/** The Keras gradient-clipping options every named optimizer accepts (at most one of them, as in Keras 3). */
export interface ClippingOptions {
  /** Clip each gradient element to [−clipvalue, clipvalue] ({@link clipByValue}). */
  readonly clipvalue?: number;
  /** Rescale each gradient tensor to L2 norm <= clipnorm ({@link clipByNorm}). */
  readonly clipnorm?: number;
  /** Rescale all gradients together to global L2 norm <= globalClipnorm ({@link clipByGlobalNorm}). */
  readonly globalClipnorm?: number;
}

/**
 * The clipping link that starts a named optimizer's chain (empty when no option is set). Keras 3 allows only
 * one of `clipnorm`, `clipvalue` and `global_clipnorm`; so does this (INVALID_ARGUMENT otherwise).
 */
export function clippingTransforms(options: ClippingOptions): Transform<EmptyState>[] {
  const { clipvalue, clipnorm, globalClipnorm } = options;
  const set = Object.entries({ clipvalue, clipnorm, globalClipnorm }).filter(
    ([, v]) => v !== undefined && v !== null,
  );
  if (set.length > 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `only one of clipvalue, clipnorm and globalClipnorm may be set (as in Keras 3), got ${set.map(([k, v]) => `${k}=${v}`).join(', ')}`,
      { details: Object.fromEntries(set) },
    );
  }
  if (clipvalue !== undefined && clipvalue !== null)
    return [clipByValue(checkNumber('clipvalue', clipvalue, { above: 0 }))];
  if (clipnorm !== undefined && clipnorm !== null)
    return [clipByNorm(checkNumber('clipnorm', clipnorm, { above: 0 }))];
  if (globalClipnorm !== undefined && globalClipnorm !== null) {
    return [clipByGlobalNorm(checkNumber('globalClipnorm', globalClipnorm, { above: 0 }))];
  }
  return [];
}
