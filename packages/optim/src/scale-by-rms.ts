import { checkNumber, checkOptions, optionKeys, type Tensor, tf } from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** Options of `scaleByRms` (Keras 3's defaults). */
export interface ScaleByRmsOptions {
  /** Decay ρ of the moving averages, in [0, 1). Default 0.9 (Keras; PyTorch's `alpha` defaults to 0.99). */
  readonly decay?: number;
  /** ε > 0, added *inside* the square root (Keras). Default 1e-7. */
  readonly eps?: number;
  /** Centered RMSprop: divide by an estimate of the gradient's variance. Default false. */
  readonly centered?: boolean;
  /** Initial value of the second-moment average. Default 0 (Keras and PyTorch). */
  readonly initialScale?: number;
}

const KEYS = optionKeys<ScaleByRmsOptions>()(['decay', 'eps', 'centered', 'initialScale']);

/** The state of `scaleByRms`: the running mean of squared gradients (and of gradients when centered) per parameter. */
export interface ScaleByRmsState {
  readonly nu: Readonly<Record<string, Tensor>>;
  /** Moving average of the gradient (centered only), else `null`. */
  readonly mg: Readonly<Record<string, Tensor>> | null;
}

/**
 * RMSprop's direction (Keras 3): `v ← ρ·v + (1 − ρ)·g²`; centered: `ḡ ← ρ·ḡ + (1 − ρ)·g`, `d = v − ḡ² + ε`,
 * otherwise `d = v + ε`; output `g / √d`.
 *
 * PyTorch adds ε outside the root (`g / (√(v − ḡ²) + ε)`); the two agree up to terms of order ε/√v.
 */
export function scaleByRms(options: ScaleByRmsOptions = {}): Transform<ScaleByRmsState> {
  checkOptions('scaleByRms', options, KEYS);
  const { decay = 0.9, eps = 1e-7, centered = false, initialScale = 0 } = options;
  checkNumber('decay', decay, { min: 0, below: 1 });
  checkNumber('eps', eps, { above: 0 });
  checkNumber('initialScale', initialScale, { min: 0 });
  return {
    init: (params) => ({ nu: fillLike(params, initialScale), mg: centered ? fillLike(params) : null }),
    update(updates, state) {
      const rho = tf.scalar(decay);
      const oneMinusRho = tf.scalar(1 - decay);
      const epsilon = tf.scalar(eps);
      const nu: Record<string, Tensor> = {};
      const mg: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (g, name) => {
        const v = tf.add(
          tf.mul(stateOf(state.nu, name, 'scaleByRms'), rho),
          tf.mul(tf.square(g), oneMinusRho),
        );
        nu[name] = v;
        let d: Tensor;
        if (state.mg !== null) {
          const a = tf.add(tf.mul(stateOf(state.mg, name, 'scaleByRms'), rho), tf.mul(g, oneMinusRho));
          mg[name] = a;
          d = tf.add(tf.sub(v, tf.square(a)), epsilon);
        } else {
          d = tf.add(v, epsilon);
        }
        return tf.div(g, tf.sqrt(d));
      });
      return { updates: out, state: { nu, mg: state.mg === null ? null : mg } };
    },
  };
}
