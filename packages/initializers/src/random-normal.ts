import { checkNumber, checkOptions, type Initializer, optionKeys, tf } from '@steadygrad/core';
import { makeInitializer } from './make-initializer.js';
import { shapeSize } from './shape.js';

/** Options of `randomNormal` (Keras 3 `RandomNormal`). */
export interface RandomNormalOptions {
  /** Mean; default 0 (Keras). */
  readonly mean?: number;
  /** Standard deviation, > 0; default 0.05 (Keras 3 `RandomNormal`). */
  readonly stddev?: number;
}

const KEYS = optionKeys<RandomNormalOptions>()(['mean', 'stddev']);

/**
 * Independent draws from `N(mean, stddev²)` (Keras `'random_normal'`, defaults `mean = 0`, `stddev = 0.05`;
 * PyTorch `nn.init.normal_` defaults to `std = 1`).
 */
export function randomNormal(options: RandomNormalOptions = {}): Initializer {
  checkOptions('randomNormal', options, KEYS);
  const { mean = 0, stddev = 0.05 } = options;
  checkNumber('randomNormal mean', mean);
  checkNumber('randomNormal stddev', stddev, { above: 0 });
  return makeInitializer('random_normal', { mean, stddev }, (shape, rng) =>
    tf.tensor(rng.fillNormal(shapeSize(shape), mean, stddev), shape, 'float32'),
  );
}
