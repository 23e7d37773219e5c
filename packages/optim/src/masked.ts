import type { GradientTransformation, Params, Tensor } from '@steadygrad/core';
import { isSelected, type Mask } from './mask.js';
import { paramOf } from './per-parameter.js';
import type { Transform } from './transform.js';

function select(tree: Params, mask: Mask, params: Params): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, v] of Object.entries(tree))
    if (isSelected(mask, name, paramOf(params, name, 'masked'))) out[name] = v;
  return out;
}

/**
 * Applies `inner` to the selected parameters only (optax `masked`); the other updates pass through
 * unchanged — the very same tensors, so they stay bit-identical. `inner` sees, and keeps state for, the
 * selected parameters only. The learning rate of `inner` is forwarded.
 */
export function masked<S>(inner: GradientTransformation<S>, mask: Mask): Transform<S> {
  const t = inner as Transform<S>;
  return {
    init: (params) => t.init(select(params, mask, params)),
    update(updates, state, params) {
      const r = t.update(select(updates, mask, params), state, select(params, mask, params));
      return { updates: { ...updates, ...r.updates }, state: r.state };
    },
    ...(t.learningRate === undefined ? {} : { learningRate: t.learningRate }),
  };
}
