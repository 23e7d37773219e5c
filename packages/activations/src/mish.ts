import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { stableSoftplus } from './softplus.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/**
 * Mish (Misra, 2019): `mish(x) = x·tanh(softplus(x))`, softplus in its stable form.
 * Gradient `tanh(sp) + x·(1 − tanh²(sp))·sigmoid(x)`, sp = softplus(x) — finite for every finite x
 * (for large x, 1 − tanh² is exactly 0 in float32; for very negative x, sp and sigmoid underflow to 0).
 * Same as PyTorch `Mish` and Keras 3 `mish`. Pairs with He initialization. Keras name `'mish'`.
 */
export const mish = defineActivation(
  'mish',
  {},
  'he',
  unaryWithGradient(
    (x) => tf.mul(x, tf.tanh(stableSoftplus(x))),
    (x) => {
      const t = tf.tanh(stableSoftplus(x));
      return tf.add(t, tf.mul(tf.mul(x, tf.sub(1, tf.square(t))), tf.sigmoid(x)));
    },
  ),
);
