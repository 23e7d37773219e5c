import { type Activation, checkOptions, optionKeys, SteadygradError, tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/** Options of {@link gelu}. */
export interface GeluOptions {
  /** Use the tanh approximation instead of the exact erf form. Default false (Keras 3 `keras.activations.gelu`, PyTorch). */
  readonly approximate?: boolean;
}

const KEYS = optionKeys<GeluOptions>()(['approximate']);

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

const geluExact = unaryWithGradient(
  (x) => tf.mul(tf.mul(0.5, x), tf.add(1, tf.erf(tf.mul(x, SQRT1_2)))),
  (x) => {
    const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, SQRT1_2))));
    const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(-0.5, tf.square(x))));
    return tf.add(cdf, tf.mul(x, pdf));
  },
);

const geluTanh = unaryWithGradient(
  (x) => {
    const u = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(GELU_CUBIC, tf.pow(x, 3))));
    return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(u)));
  },
  (x) => {
    const u = tf.mul(SQRT_2_OVER_PI, tf.add(x, tf.mul(GELU_CUBIC, tf.pow(x, 3))));
    const t = tf.tanh(u);
    const du = tf.mul(SQRT_2_OVER_PI, tf.add(1, tf.mul(3 * GELU_CUBIC, tf.square(x))));
    return tf.add(tf.mul(0.5, tf.add(1, t)), tf.mul(tf.mul(tf.mul(0.5, x), tf.sub(1, tf.square(t))), du));
  },
);

/**
 * Gaussian error linear unit (Hendrycks & Gimpel, 2016).
 *
 * - exact (`approximate: false`, our default and PyTorch's): `gelu(x) = x·Φ(x) = ½x·(1 + erf(x/√2))`,
 *   gradient `Φ(x) + x·φ(x)`, φ(x) = exp(−x²/2)/√(2π);
 * - tanh approximation (`approximate: true`, PyTorch `approximate='tanh'`):
 *   `½x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, gradient
 *   `½(1 + t) + ½x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²)`.
 *
 * Defaults: exact, like Keras 3's `keras.activations.gelu(x, approximate=False)` (and `'gelu'` by name) and
 * PyTorch's `GELU()`; note Keras 3's `keras.ops.gelu` defaults to `approximate=True`.
 * Both are finite for |x| up to 1e4. tfjs' `erf` is accurate to about 1.5e-7. Pairs with He
 * initialization. Keras name `'gelu'`.
 */
export function gelu(options: GeluOptions = {}): Activation {
  checkOptions('gelu', options, KEYS);
  const { approximate = false } = options;
  if (typeof approximate !== 'boolean') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `gelu approximate must be a boolean, got ${JSON.stringify(approximate)}`,
      { details: { name: 'approximate', value: approximate } },
    );
  }
  return defineActivation('gelu', { approximate }, 'he', approximate ? geluTanh : geluExact);
}
