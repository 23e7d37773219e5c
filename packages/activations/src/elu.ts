import { type Activation, checkNumber, checkOptions, optionKeys, tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/** Options of {@link elu}. */
export interface EluOptions {
  /** Scale of the negative saturation value, `> 0`. Default 1 (Keras 3 and PyTorch). */
  readonly alpha?: number;
}

const KEYS = optionKeys<EluOptions>()(['alpha']);

/**
 * Exponential linear unit (Clevert et al., 2015):
 * `elu(x) = x` for x > 0, `alpha·(exp(x) − 1)` for x <= 0.
 *
 * Gradient: 1 for x > 0, `alpha·exp(x)` for x <= 0, so `elu'(0) = alpha` (PyTorch's convention, and
 * Keras 3 for alpha ≠ 1; TensorFlow's fused kernel gives 1 at 0, which is the same for alpha = 1).
 *
 * Any `alpha > 0` works (tfjs' own `tf.elu` only implements alpha = 1). Stable: the exponential is
 * evaluated on `min(x, 0)` only, with `expm1` for accuracy near 0, so neither the value nor the gradient
 * overflows for large |x|. Pairs with He initialization. Keras name `'elu'`.
 */
export function elu(options: EluOptions = {}): Activation {
  checkOptions('elu', options, KEYS);
  const { alpha = 1 } = options;
  checkNumber('elu alpha', alpha, { above: 0 });
  const f = eluFunction(alpha, 1);
  return defineActivation('elu', { alpha }, 'he', f);
}

/**
 * `scale·elu(x; alpha)` with its custom gradient; shared by {@link elu} and SELU.
 * @internal
 */
export function eluFunction(alpha: number, scale: number): (x: tf.Tensor) => tf.Tensor {
  return unaryWithGradient(
    (x) => {
      const neg = tf.mul(alpha * scale, tf.expm1(tf.minimum(x, 0)));
      const pos = scale === 1 ? x : tf.mul(scale, x);
      return tf.where(tf.greater(x, 0), pos, neg);
    },
    (x) =>
      tf.where(tf.greater(x, 0), tf.fill(x.shape, scale), tf.mul(alpha * scale, tf.exp(tf.minimum(x, 0)))),
  );
}
