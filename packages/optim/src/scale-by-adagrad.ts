import { checkNumber, checkOptions, optionKeys, type Tensor, tf } from '@steadygrad/core';
import { fillLike, mapUpdates, stateOf } from './per-parameter.js';
import type { Transform } from './transform.js';

/** Options of `scaleByAdagrad` (Keras 3's defaults). */
export interface ScaleByAdagradOptions {
  /** Starting value of the accumulator, >= 0. Default 0.1 (Keras; PyTorch defaults to 0). */
  readonly initialAccumulatorValue?: number;
  /** ε > 0, added *inside* the square root (Keras). Default 1e-7. */
  readonly eps?: number;
}

const KEYS = optionKeys<ScaleByAdagradOptions>()(['initialAccumulatorValue', 'eps']);

/** The state of `scaleByAdagrad`: the accumulated squared gradients of each parameter. */
export interface ScaleByAdagradState {
  readonly accumulator: Readonly<Record<string, Tensor>>;
}

/**
 * AdaGrad's direction (Keras 3): `a ← a + g²`, output `g / √(a + ε)`.
 * PyTorch divides by `√a + ε` (ε = 1e-10 there): equal up to terms of order ε/√a.
 */
export function scaleByAdagrad(options: ScaleByAdagradOptions = {}): Transform<ScaleByAdagradState> {
  checkOptions('scaleByAdagrad', options, KEYS);
  const { initialAccumulatorValue = 0.1, eps = 1e-7 } = options;
  checkNumber('initialAccumulatorValue', initialAccumulatorValue, { min: 0 });
  checkNumber('eps', eps, { above: 0 });
  return {
    init: (params) => ({ accumulator: fillLike(params, initialAccumulatorValue) }),
    update(updates, state) {
      const epsilon = tf.scalar(eps);
      const accumulator: Record<string, Tensor> = {};
      const out = mapUpdates(updates, (g, name) => {
        const a = tf.add(stateOf(state.accumulator, name, 'scaleByAdagrad'), tf.square(g));
        accumulator[name] = a;
        return tf.div(g, tf.sqrt(tf.add(a, epsilon)));
      });
      return { updates: out, state: { accumulator } };
    },
  };
}
