import { type Tensor, tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/**
 * `log(1 + t)` for `t` in [0, 1], accurate to a few ulps on every backend: `u = 1 + t`, then
 * `log(u) · t / (u − 1)` (and `t` where `u` rounds to 1). The rounding error of `1 + t` cancels in the ratio
 * (Goldberg, "What every computer scientist should know about floating-point arithmetic", 1991, Thm. 4), so
 * this does not depend on the backend's `log1p`: tfjs-wasm's `Log1p` computes `log(1 + t)` and returns 0
 * for t < 6e-8, which made softplus(−20) and mish(−20) exactly 0 there.
 * @internal
 */
export function log1pSmall(t: Tensor): Tensor {
  return tf.tidy(() => {
    const u = tf.add(t, 1);
    const d = tf.sub(u, 1);
    const safe = tf.where(tf.equal(d, 0), tf.onesLike(d), d);
    return tf.where(tf.equal(d, 0), t, tf.div(tf.mul(tf.log(u), t), safe));
  });
}

/**
 * Stable softplus: `log(1 + exp(x)) = max(x, 0) + log1p(exp(−|x|))` — the exponential never overflows, and
 * the `log1p` is {@link log1pSmall}, exact for tiny arguments on every backend.
 * @internal
 */
export function stableSoftplus(x: Tensor): Tensor {
  return tf.tidy(() => tf.add(tf.relu(x), log1pSmall(tf.exp(tf.neg(tf.abs(x))))));
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
