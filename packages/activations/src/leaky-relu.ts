import { type Activation, checkNumber, checkOptions, optionKeys, tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';

/** Keras 3 `keras.layers.LeakyReLU` default `negative_slope`, our default. */
export const LEAKY_RELU_DEFAULT_ALPHA = 0.3;

/** Options of {@link leakyRelu}. */
export interface LeakyReluOptions {
  /** Slope for x <= 0 (Keras 3 `negative_slope`), `>= 0`. Default 0.3. */
  readonly alpha?: number;
}

const KEYS = optionKeys<LeakyReluOptions>()(['alpha']);

/**
 * Leaky ReLU: `leakyRelu(x) = x` for x > 0, `alpha·x` for x <= 0. Gradient 1 for x > 0 and `alpha` for
 * x <= 0 (so `alpha` at 0, as in tfjs and PyTorch).
 *
 * Defaults differ between references: Keras 3's `LeakyReLU` *layer* uses `negative_slope = 0.3`, its
 * `keras.activations.leaky_relu` *function* 0.2, PyTorch's `LeakyReLU` 0.01, and the seed notebook (cell 3)
 * passes 0.2 explicitly. We take the Keras layer default, 0.3; write `leakyRelu({ alpha: 0.2 })` for the
 * seed. A negative alpha is an error (Keras 3 rejects it too). Pairs with He initialization. Keras name
 * `'leaky_relu'`.
 */
export function leakyRelu(options: LeakyReluOptions = {}): Activation {
  checkOptions('leakyRelu', options, KEYS);
  const { alpha = LEAKY_RELU_DEFAULT_ALPHA } = options;
  checkNumber('leakyRelu alpha', alpha, { min: 0 });
  return defineActivation('leaky_relu', { alpha }, 'he', (x) => tf.leakyRelu(x, alpha));
}
