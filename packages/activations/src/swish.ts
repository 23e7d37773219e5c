import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/** `x·sigmoid(x)` with gradient `s + x·s·(1 − s)`, s = sigmoid(x): finite for every finite x. */
const siluFunction = unaryWithGradient(
  (x) => tf.mul(x, tf.sigmoid(x)),
  (x) => {
    const s = tf.sigmoid(x);
    return tf.add(s, tf.mul(tf.mul(x, s), tf.sub(1, s)));
  },
);

/**
 * SiLU (sigmoid-weighted linear unit): `silu(x) = x·sigmoid(x)`, gradient `s·(1 + x·(1 − s))`,
 * s = sigmoid(x). Same as PyTorch `SiLU`. Pairs with He initialization. Keras name `'silu'`.
 */
export const silu = defineActivation('silu', {}, 'he', siluFunction);

/**
 * Swish (Ramachandran et al., 2017) with β = 1, i.e. {@link silu} under its other name (Keras 3 makes
 * `swish` an alias of `silu`). Keras name `'swish'`.
 */
export const swish = defineActivation('swish', {}, 'he', siluFunction);
