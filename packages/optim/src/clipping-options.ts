import { checkNumber, optionKeys, SteadygradError } from '@steadygrad/core';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { clipByNorm } from './clip-by-norm.js';
import { clipByValue } from './clip-by-value.js';
import type { EmptyState, Transform } from './transform.js';

/** The Keras gradient-clipping options every named optimizer accepts (at most one of them, as in Keras 3). */
export interface ClippingOptions {
  /** Clip each gradient element to [−clipValue, clipValue] ({@link clipByValue}). */
  readonly clipValue?: number;
  /** Rescale each gradient tensor to L2 norm <= clipNorm ({@link clipByNorm}). */
  readonly clipNorm?: number;
  /** Rescale all gradients together to global L2 norm <= globalClipNorm ({@link clipByGlobalNorm}). */
  readonly globalClipNorm?: number;
}

export const CLIPPING_KEYS = optionKeys<ClippingOptions>()(['clipValue', 'clipNorm', 'globalClipNorm']);

/**
 * The clipping link that starts a named optimizer's chain (empty when no option is set). Keras 3 allows only
 * one of `clipnorm`, `clipvalue` and `global_clipnorm`; so does this (here `clipNorm`, `clipValue`, `globalClipNorm`) (INVALID_ARGUMENT otherwise).
 */
export function clippingTransforms(options: ClippingOptions): Transform<EmptyState>[] {
  const { clipValue, clipNorm, globalClipNorm } = options;
  const set = Object.entries({ clipValue, clipNorm, globalClipNorm }).filter(
    ([, v]) => v !== undefined && v !== null,
  );
  if (set.length > 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `only one of clipValue, clipNorm and globalClipNorm may be set (as in Keras 3), got ${set.map(([k, v]) => `${k}=${v}`).join(', ')}`,
      { details: Object.fromEntries(set) },
    );
  }
  if (clipValue !== undefined && clipValue !== null)
    return [clipByValue(checkNumber('clipValue', clipValue, { above: 0 }))];
  if (clipNorm !== undefined && clipNorm !== null)
    return [clipByNorm(checkNumber('clipNorm', clipNorm, { above: 0 }))];
  if (globalClipNorm !== undefined && globalClipNorm !== null) {
    return [clipByGlobalNorm(checkNumber('globalClipNorm', globalClipNorm, { above: 0 }))];
  }
  return [];
}
