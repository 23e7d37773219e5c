import { checkNumber, checkOneOf, checkOptions, optionKeys, type SeedLike, toStream } from '@steadygrad/core';
import { type ImageSplit, sliceSplit, subset } from './image-split.js';

/** Options of `validationSplit`: how many images validate and whether they are the first or the last ones. */
export interface ValidationSplitOptions {
  /** Number of images held out for validation. Default `5000` (Géron). */
  readonly validationSize?: number;
  /**
   * Which images form the validation set when no `seed` is given:
   * `'last'` (default) — Géron 3rd edition, `X_train, X_valid = X_train_full[:-5000], X_train_full[-5000:]`;
   * `'first'` — Géron 2nd edition (the edition of the seed notebook's transfer-learning cells),
   * `X_valid, X_train = X_train_full[:5000], X_train_full[5000:]`.
   */
  readonly position?: 'first' | 'last';
  /**
   * When given, the validation images are a seeded random sample instead (a permutation of `0..count-1`
   * from this seed; its first `validationSize` entries are validation). Both parts keep the original order.
   */
  readonly seed?: SeedLike;
}

const VALIDATION_SPLIT_KEYS = optionKeys<ValidationSplitOptions>()(['validationSize', 'position', 'seed']);

/**
 * Splits a training split into `{ train, valid }`. Without a seed the parts are contiguous and are views
 * into the same arrays (no copy); with a seed they are copies. `validationSize` must be an integer in
 * `[1, count − 1]`.
 */
export function validationSplit(
  split: ImageSplit,
  options: ValidationSplitOptions = {},
): { train: ImageSplit; valid: ImageSplit } {
  checkOptions('validationSplit', options, VALIDATION_SPLIT_KEYS);
  const { validationSize = 5000, position = 'last', seed } = options;
  checkNumber('validationSize', validationSize, { integer: true, min: 1, max: split.count - 1 });
  checkOneOf('position', position, ['first', 'last'] as const);
  const n = split.count;
  if (seed !== undefined) {
    const perm = toStream(seed).permutation(n);
    const valid = perm.slice(0, validationSize).sort();
    const train = perm.slice(validationSize).sort();
    return { train: subset(split, train), valid: subset(split, valid) };
  }
  if (position === 'first') {
    return { train: sliceSplit(split, validationSize, n), valid: sliceSplit(split, 0, validationSize) };
  }
  return { train: sliceSplit(split, 0, n - validationSize), valid: sliceSplit(split, n - validationSize, n) };
}
