import { checkNumber, checkOptions, optionKeys, type Tensor, tf } from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** Options of `scaleByAdam` (Keras 3's defaults). */
export interface ScaleByAdamOptions {
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  readonly b1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  readonly b2?: number;
  /** Keras 3 "epsilon hat", > 0. Default 1e-7. */
  readonly eps?: number;
  /** AMSGrad: divide by the running maximum of the second moment. Default false. */
  readonly amsgrad?: boolean;
}

const KEYS = optionKeys<ScaleByAdamOptions>()(['b1', 'b2', 'eps', 'amsgrad']);

/** The state of `scaleByAdam`: its step count (a plain number) and its per-parameter moments. */
export interface ScaleByAdamState {
  readonly count: number;
  readonly mu: Readonly<Record<string, Tensor>>;
  readonly nu: Readonly<Record<string, Tensor>>;
  /** AMSGrad's running maximum of `nu`; `null` without AMSGrad. */
  readonly nuMax: Readonly<Record<string, Tensor>> | null;
}

/**
 * Adam's direction in the Keras 3 form (t = 1, 2, … counts updates):
 * `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`, AMSGrad `v̂ ← max(v̂, v)` (else `v̂ = v`),
 * output `√(1 − β2^t)/(1 − β1^t) · m / (√v̂ + ε̂)`; the learning rate is applied by `scaleByLearningRate`.
 *
 * ε̂ is Keras's "epsilon hat" added to the *uncorrected* √v̂. PyTorch adds its ε to the bias-corrected
 * `√(v/(1 − β2^t))`; the two agree when `ε̂ = ε·√(1 − β2^t)`, i.e. they differ only through ε (Keras default
 * 1e-7, PyTorch 1e-8). The bias-correction factor is computed in float64 on the host, one scalar per call.
 */
export function scaleByAdam(options: ScaleByAdamOptions = {}): Transform<ScaleByAdamState> {
  checkOptions('scaleByAdam', options, KEYS);
  const { b1 = 0.9, b2 = 0.999, eps = 1e-7, amsgrad = false } = options;
  checkNumber('b1', b1, { min: 0, below: 1 });
  checkNumber('b2', b2, { min: 0, below: 1 });
  checkNumber('eps', eps, { above: 0 });
  return {
    init: (params) => ({
      count: 0,
      mu: fillLike(params),
      nu: fillLike(params),
      nuMax: amsgrad ? fillLike(params) : null,
    }),
    update(updates, state) {
      const t = state.count + 1;
      const oneMinusB1 = tf.scalar(1 - b1);
      const oneMinusB2 = tf.scalar(1 - b2);
      const epsilon = tf.scalar(eps);
      const correction = tf.scalar(Math.sqrt(1 - b2 ** t) / (1 - b1 ** t));
      const mu: Record<string, Tensor> = {};
      const nu: Record<string, Tensor> = {};
      const nuMax: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (g, name) => {
        const m0 = stateOf(state.mu, name, 'scaleByAdam');
        const v0 = stateOf(state.nu, name, 'scaleByAdam');
        const m = tf.add(m0, tf.mul(tf.sub(g, m0), oneMinusB1));
        let v = tf.add(v0, tf.mul(tf.sub(tf.square(g), v0), oneMinusB2));
        mu[name] = m;
        nu[name] = v;
        if (state.nuMax !== null) {
          v = tf.maximum(stateOf(state.nuMax, name, 'scaleByAdam'), v);
          nuMax[name] = v;
        }
        return tf.div(tf.mul(m, correction), tf.add(tf.sqrt(v), epsilon));
      });
      return { updates: out, state: { count: t, mu, nu, nuMax: state.nuMax === null ? null : nuMax } };
    },
  };
}
