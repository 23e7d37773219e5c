import { checkNumber, checkOptions, optionKeys, type Tensor, tf } from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** Options of `scaleByNadam` (Keras 3's defaults). */
export interface ScaleByNadamOptions {
  /** β1 in [0, 1) (scaled by the momentum schedule). Default 0.9. */
  readonly b1?: number;
  /** β2 in [0, 1). Default 0.999. */
  readonly b2?: number;
  /** ε > 0 added to the bias-corrected √v̂. Default 1e-7. */
  readonly eps?: number;
}

const KEYS = optionKeys<ScaleByNadamOptions>()(['b1', 'b2', 'eps']);

/** The state of `scaleByNadam`: its step count (a plain number) and its per-parameter moments. */
export interface ScaleByNadamState {
  readonly count: number;
  /** `Π_{i≤t} μ_i`, a plain number (Keras's `_u_product`). */
  readonly muProduct: number;
  readonly mu: Readonly<Record<string, Tensor>>;
  readonly nu: Readonly<Record<string, Tensor>>;
}

/**
 * Nadam's direction (Keras 3), t = 1, 2, …, with the momentum schedule `μ_t = β1(1 − 0.5·0.96^t)` and
 * `P_t = Π_{i≤t} μ_i`: `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`,
 * `m̂ = μ_{t+1}·m / (1 − P_t·μ_{t+1}) + (1 − μ_t)·g / (1 − P_t)`, `v̂ = v / (1 − β2^t)`,
 * output `m̂ / (√v̂ + ε)`.
 *
 * PyTorch's NAdam uses `μ_t = β1(1 − 0.5·0.96^(0.004·t))` (`momentum_decay = 0.004`), a far slower
 * schedule; with `momentum_decay = 1` the formulas coincide (except in PyTorch 1.13, whose NAdam multiplies
 * μ_t twice into P_{t+1}, fixed by pytorch/pytorch#92699). The schedule factors are computed on the host in
 * float64, three scalars per call.
 */
export function scaleByNadam(options: ScaleByNadamOptions = {}): Transform<ScaleByNadamState> {
  checkOptions('scaleByNadam', options, KEYS);
  const { b1 = 0.9, b2 = 0.999, eps = 1e-7 } = options;
  checkNumber('b1', b1, { min: 0, below: 1 });
  checkNumber('b2', b2, { min: 0, below: 1 });
  checkNumber('eps', eps, { above: 0 });
  return {
    init: (params) => ({ count: 0, muProduct: 1, mu: fillLike(params), nu: fillLike(params) }),
    update(updates, state) {
      const t = state.count + 1;
      const muT = b1 * (1 - 0.5 * 0.96 ** t);
      const muNext = b1 * (1 - 0.5 * 0.96 ** (t + 1));
      const product = state.muProduct * muT;
      const oneMinusB1 = tf.scalar(1 - b1);
      const oneMinusB2 = tf.scalar(1 - b2);
      const momentumCoef = tf.scalar(muNext / (1 - product * muNext));
      const gradientCoef = tf.scalar((1 - muT) / (1 - product));
      const invSqrtCorrection = tf.scalar(1 / Math.sqrt(1 - b2 ** t));
      const epsilon = tf.scalar(eps);
      const mu: Record<string, Tensor> = {};
      const nu: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (g, name) => {
        const m0 = stateOf(state.mu, name, 'scaleByNadam');
        const v0 = stateOf(state.nu, name, 'scaleByNadam');
        const m = tf.add(m0, tf.mul(tf.sub(g, m0), oneMinusB1));
        const v = tf.add(v0, tf.mul(tf.sub(tf.square(g), v0), oneMinusB2));
        mu[name] = m;
        nu[name] = v;
        const mHat = tf.add(tf.mul(m, momentumCoef), tf.mul(g, gradientCoef));
        return tf.div(mHat, tf.add(tf.mul(tf.sqrt(v), invSqrtCorrection), epsilon));
      });
      return { updates: out, state: { count: t, muProduct: product, mu, nu } };
    },
  };
}
