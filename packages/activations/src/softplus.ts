import { log1pExact, type Tensor, tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/**
 * Stable softplus: `log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|))` — the exponential never overflows, and
 * the `log1p` is core's `log1pExact`, exact for tiny arguments on every backend.
 * @internal
 */
export function stableSoftplus(x: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), log1pExact(tf.exp(tf.neg(tf.abs(x))))));
}

/**
 * Softplus: `softplus(x) = log(1 + exp(x))`, computed as `max(x, 0) + log1p(exp(−|x|))` so it is finite
 * for every finite x, and with a `log1p` that keeps tiny arguments on every backend (softplus(−20) =
 * 2.06e-9, not 0). Gradient `sigmoid(x)` (custom; no gradient through the |x| kink).
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
