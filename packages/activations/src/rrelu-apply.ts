import {
  checkNumber,
  checkOptions,
  optionKeys,
  type RandomStream,
  registerGradients,
  type SeedLike,
  SteadygradError,
  type Tensor,
  tf,
  toStream,
} from '@steadygrad/core';
import { toFloat32 } from './define-activation.js';

/** PyTorch's `RReLU` default lower bound of the random slope, 1/8. */
export const RRELU_DEFAULT_LOWER = 1 / 8;
/** PyTorch's `RReLU` default upper bound of the random slope, 1/3. */
export const RRELU_DEFAULT_UPPER = 1 / 3;

/** Options of {@link rreluApply}. */
export interface RreluOptions {
  /** Lower bound of the slope, `>= 0`. Default 1/8 (PyTorch). */
  readonly lower?: number;
  /** Upper bound of the slope, `>= lower`. Default 1/3 (PyTorch). */
  readonly upper?: number;
  /** Training mode draws a random slope per element; inference uses the mean slope. Default false. */
  readonly training?: boolean;
  /** The stream the training slopes are drawn from (required when `training`). */
  readonly rng?: RandomStream | SeedLike;
}

const KEYS = optionKeys<RreluOptions>()(['lower', 'upper', 'training', 'rng']);

/**
 * Randomized leaky ReLU (Xu et al., 2015) as a function over tensors — the computation of an RReLU layer
 * (the layer lives in `@steadygrad/nn`; Keras has none, this follows PyTorch's `RReLU`):
 * `rrelu(x) = x` for x > 0, `a·x` for x <= 0, where
 * - in training, `a ~ U(lower, upper)` independently per element, drawn from `rng` (one
 *   `rng.fillUniform(x.size, lower, upper)` call, so a seeded stream gives reproducible slopes);
 * - at inference, `a = (lower + upper) / 2` (a leaky ReLU with the mean slope).
 *
 * Gradient: 1 for x > 0, `a` for x <= 0 (the drawn slope in training, as PyTorch's `noise` tensor).
 * Pairs with He initialization.
 *
 * @throws SteadygradError `INVALID_ARGUMENT` for bounds outside `0 <= lower <= upper` or training without `rng`.
 */
export function rreluApply(x: Tensor, options: RreluOptions = {}): Tensor {
  checkOptions('rreluApply', options, KEYS);
  const { lower = RRELU_DEFAULT_LOWER, upper = RRELU_DEFAULT_UPPER, training = false, rng } = options;
  checkNumber('rrelu lower', lower, { min: 0 });
  checkNumber('rrelu upper', upper, { min: lower });
  registerGradients();
  const input = toFloat32(x);
  if (!training) return tf.leakyRelu(input, (lower + upper) / 2);
  if (rng === undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'rreluApply with training: true needs rng (a RandomStream or a seed) to draw the random slopes; got none',
      { details: { name: 'rng' } },
    );
  }
  const stream = toStream(rng);
  return tf.tidy(() => {
    const slopes = tf.tensor(stream.fillUniform(input.size, lower, upper), input.shape, 'float32');
    // factor = 1 for x > 0, the slope otherwise; tf.step has a (zero) gradient, tf.greater has none.
    const positive = tf.step(input);
    const factor = tf.add(slopes, tf.mul(positive, tf.sub(1, slopes)));
    return tf.mul(input, factor);
  });
}
