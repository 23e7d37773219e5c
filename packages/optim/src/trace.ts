import { checkNumber, type Tensor, tf } from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

export interface TraceOptions {
  /** Momentum μ in [0, 1). */
  readonly decay: number;
  /** Nesterov look-ahead: output `μ·t + u` instead of `t`. Default false. */
  readonly nesterov?: boolean;
}

export interface TraceState {
  readonly trace: Readonly<Record<string, Tensor>>;
}

/**
 * Momentum (optax `trace`): `t ← μ·t + u`; output `t`, or `μ·t + u` with Nesterov.
 *
 * Placed *after* `scaleByLearningRate` (so `u = −lr·g`) it is exactly Keras 3's SGD momentum
 * `v ← μ·v − lr·g; w ← w + v` (Nesterov: `w ← w + μ·v − lr·g`), including when the learning rate changes
 * mid-run. PyTorch keeps `b ← μ·b + g; w ← w − lr·b` (trace *before* the learning rate): identical for a
 * constant learning rate, different after a change (Keras's velocity keeps the old rate's steps).
 * Two kernels per parameter (four with Nesterov), one scalar per update call.
 */
export function trace(options: TraceOptions): Transform<TraceState> {
  const { decay, nesterov = false } = options;
  checkNumber('decay', decay, { min: 0, below: 1 });
  return {
    init: (params) => ({ trace: fillLike(params) }),
    update(updates, state) {
      const mu = tf.scalar(decay);
      const next: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (u, name) => {
        const t = tf.add(tf.mul(stateOf(state.trace, name, 'trace'), mu), u);
        next[name] = t;
        return nesterov ? tf.add(tf.mul(t, mu), u) : t;
      });
      return { updates: out, state: { trace: next } };
    },
  };
}
