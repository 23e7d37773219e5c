import { type Tensor, tf } from './tf.js';

/**
 * `log(1 + t)` for `t ≥ 0`, accurate to a few ulps on every backend: `u = 1 + t`, then
 * `log(u) · t / (u − 1)`, and `t` itself where `u` rounds to 1. The rounding error of `1 + t` cancels in the
 * ratio (Goldberg, "What every computer scientist should know about floating-point arithmetic", 1991,
 * Thm. 4), so the result does not depend on the backend's `log1p`: tfjs-wasm's `Log1p` computes
 * `log(1 + t)` and returns 0 for `t < 6e-8`, which made softplus(−20), mish(−20) and a binary
 * cross-entropy from logits of ±20 come out 0 there. Its gradient is `1/(1 + t)`.
 */
export function log1pExact(t: Tensor): Tensor {
  return exact(t);
}

// The mask `u − 1 == 0` must stay off the gradient tape (tfjs has no gradient for Equal), so the gradient
// is given: d/dt log(1 + t) = 1/(1 + t).
const exact = tf.customGrad(((t: Tensor, save: tf.GradSaveFunc) => {
  save([t]);
  const value = tf.tidy(() => {
    const u = tf.add(t, 1);
    const d = tf.sub(u, 1);
    const tiny = tf.equal(d, 0);
    const safe = tf.where(tiny, tf.onesLike(d), d);
    return tf.where(tiny, t, tf.div(tf.mul(tf.log(u), t), safe));
  });
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => tf.div(dy, tf.add(saved[0] as Tensor, 1)),
  };
}) as unknown as Parameters<typeof tf.customGrad<Tensor>>[0]) as (t: Tensor) => Tensor;
