import { checkNumber, checkOptions, type Initializer, optionKeys, tf } from '@steadygrad/core';
import { makeInitializer } from './make-initializer.js';
import { shapeSize } from './shape.js';

/**
 * Standard deviation of a standard normal truncated to [-2, 2]:
 * `sqrt(1 − 4·φ(2) / (Φ(2) − Φ(−2)))` = 0.87962566103423978 (the constant Keras divides by).
 */
export const TRUNCATED_NORMAL_STD_RATIO = 0.87962566103423978;

/** Options of `truncatedNormal` (Keras 3 `TruncatedNormal`). */
export interface TruncatedNormalOptions {
  /** Mean; default 0. */
  readonly mean?: number;
  /** Standard deviation of the normal *before* truncation, > 0; default 0.05 (Keras 3 `TruncatedNormal`). */
  readonly stddev?: number;
}

const KEYS = optionKeys<TruncatedNormalOptions>()(['mean', 'stddev']);

/**
 * Normal draws re-drawn until they fall within `mean ± 2·stddev` (Keras `'truncated_normal'`, defaults
 * `mean = 0`, `stddev = 0.05`). As in Keras, `stddev` is the parameter of the normal before truncation:
 * the result's standard deviation is `0.8796·stddev`. (The variance-scaling initializers correct for that;
 * this one, like Keras, does not.) PyTorch `nn.init.trunc_normal_(std, a=-2, b=2)` cuts at absolute bounds
 * instead of multiples of `std`; with `std = 1` it is the same distribution.
 */
export function truncatedNormal(options: TruncatedNormalOptions = {}): Initializer {
  checkOptions('truncatedNormal', options, KEYS);
  const { mean = 0, stddev = 0.05 } = options;
  checkNumber('truncatedNormal mean', mean);
  checkNumber('truncatedNormal stddev', stddev, { above: 0 });
  return makeInitializer('truncated_normal', { mean, stddev }, (shape, rng) =>
    tf.tensor(rng.fillTruncatedNormal(shapeSize(shape), mean, stddev), shape, 'float32'),
  );
}
