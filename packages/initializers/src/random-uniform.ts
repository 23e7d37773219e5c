import {
  checkNumber,
  checkOptions,
  type Initializer,
  optionKeys,
  SteadygradError,
  tf,
} from '@steadygrad/core';
import { makeInitializer } from './make-initializer.js';
import { shapeSize } from './shape.js';

/** Options of `randomUniform` (Keras 3 `RandomUniform`). */
export interface RandomUniformOptions {
  /** Lower bound (inclusive); default -0.05 (Keras 3 `RandomUniform`). */
  readonly minval?: number;
  /** Upper bound (exclusive), > minval; default 0.05. */
  readonly maxval?: number;
}

const KEYS = optionKeys<RandomUniformOptions>()(['minval', 'maxval']);

/**
 * Independent draws from `U[minval, maxval)` (Keras `'random_uniform'`, defaults ±0.05;
 * PyTorch `nn.init.uniform_` defaults to `[0, 1)`).
 */
export function randomUniform(options: RandomUniformOptions = {}): Initializer {
  checkOptions('randomUniform', options, KEYS);
  const { minval = -0.05, maxval = 0.05 } = options;
  checkNumber('randomUniform minval', minval);
  checkNumber('randomUniform maxval', maxval);
  if (!(maxval > minval)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `randomUniform: maxval must be greater than minval, got minval=${minval}, maxval=${maxval}`,
      { details: { minval, maxval } },
    );
  }
  return makeInitializer('random_uniform', { minval, maxval }, (shape, rng) =>
    tf.tensor(rng.fillUniform(shapeSize(shape), minval, maxval), shape, 'float32'),
  );
}
