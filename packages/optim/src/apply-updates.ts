import { type Params, type Tensor, tf } from '@steadygrad/core';

/**
 * `w + u` for every parameter that has an update (optax `apply_updates`); parameters without one are returned
 * as they are. The result has each parameter's dtype. Disposes nothing; the {@link Optimizer} does the same
 * in place with `variable.assign`.
 */
export function applyUpdates(params: Params, updates: Params): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, p] of Object.entries(params)) {
    const u = Object.hasOwn(updates, name) ? updates[name] : undefined;
    out[name] = u === undefined ? p : tf.add(p, u.dtype === p.dtype ? u : tf.cast(u, p.dtype));
  }
  return out;
}
