import { type Tensor, tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/**
 * Stable softplus: `log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|))` — the exponential never overflows.
 * @internal
 */
export function stableSoftplus(x: Tensor): Tensor {
  return tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}

/**
 * Softplus: `softplus(x) = log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(−|x|))` so it is finite
 * for every finite x. Gradient `sigmoid(x)` (custom; no gradient through the |x| kink).
 *
 * PyTorch's `Softplus(beta=1, threshold=20)` returns x itself for x > 20 (an error below 2.1e-9).
 * Pairs with Glorot initialization. Keras name `'softplus'`.
 */
export const softplus = defineActivation(
  'softplus',
  {},
  'glorot',
  unaryWithGradient(stableSoftplus, (x) => tf.sigmoid(x)),
);
