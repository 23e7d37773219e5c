import { checkNumber, checkOptions, optionKeys, type Tensor, tf } from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** Options of `scaleByAdamax` (Keras 3's defaults). */
export interface ScaleByAdamaxOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  readonly b1?: number;
  /** Decay of the infinity norm, in [0, 1). Default 0.999. */
  readonly b2?: number;
  /** ε > 0 added to the infinity norm. Default 1e-7. */
  readonly eps?: number;
}

const KEYS = optionKeys<ScaleByAdamaxOptions>()(['b1', 'b2', 'eps']);

/** The state of `scaleByAdamax`: its step count (a plain number) and its per-parameter moments. */
export interface ScaleByAdamaxState {
  readonly count: number;
  readonly mu: Readonly<Record<string, Tensor>>;
  /** Exponentially weighted infinity norm `u`. */
  readonly nuInf: Readonly<Record<string, Tensor>>;
}

/**
 * AdaMax's direction (Keras 3), t = 1, 2, …: `m ← m + (g − m)(1 − β1)`, `u ← max(β2·u, |g|)`,
 * output `m / ((1 − β1^t)(u + ε))`. PyTorch folds ε into the maximum (`u ← max(β2·u, |g| + ε)`, output
 * `m / ((1 − β1^t)·u)`): equal up to terms of order ε/u.
 */
export function scaleByAdamax(options: ScaleByAdamaxOptions = {}): Transform<ScaleByAdamaxState> {
  checkOptions('scaleByAdamax', options, KEYS);
  const { b1 = 0.9, b2 = 0.999, eps = 1e-7 } = options;
  checkNumber('b1', b1, { min: 0, below: 1 });
  checkNumber('b2', b2, { min: 0, below: 1 });
  checkNumber('eps', eps, { above: 0 });
  return {
    init: (params) => ({ count: 0, mu: fillLike(params), nuInf: fillLike(params) }),
    update(updates, state) {
      const t = state.count + 1;
      const oneMinusB1 = tf.scalar(1 - b1);
      const beta2 = tf.scalar(b2);
      const epsilon = tf.scalar(eps);
      const correction = tf.scalar(1 / (1 - b1 ** t));
      const mu: Record<string, Tensor> = {};
      const nuInf: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (g, name) => {
        const m0 = stateOf(state.mu, name, 'scaleByAdamax');
        const m = tf.add(m0, tf.mul(tf.sub(g, m0), oneMinusB1));
        const u = tf.maximum(tf.mul(stateOf(state.nuInf, name, 'scaleByAdamax'), beta2), tf.abs(g));
        mu[name] = m;
        nuInf[name] = u;
        return tf.div(tf.mul(m, correction), tf.add(u, epsilon));
      });
      return { updates: out, state: { count: t, mu, nuInf } };
    },
  };
}
