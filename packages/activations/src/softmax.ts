import {
  type Activation,
  checkNumber,
  checkOptions,
  markSoftmaxOutput,
  optionKeys,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { defineActivation } from './define-activation.js';

/** Options of {@link softmax}. */
export interface SoftmaxOptions {
  /** Axis to normalize over; negative counts from the end. Default −1 (the last axis, Keras 3). */
  readonly axis?: number;
}

const KEYS = optionKeys<SoftmaxOptions>()(['axis']);

/**
 * Softmax along `axis`: `softmax(x)_i = exp(x_i − m) / Σ_j exp(x_j − m)`, m = max_j x_j (the shift makes
 * it overflow-free for any finite input and does not change the result).
 *
 * Gradient (custom, so no gradient flows through the max): `dx = y ⊙ (dy − Σ_axis(dy ⊙ y))`.
 * Any axis is supported (tfjs' `tf.softmax` only handles the last one). An axis outside
 * `[−rank, rank)` of the input is an `INVALID_ARGUMENT` error at `apply`. Pairs with Glorot
 * initialization. Keras name `'softmax'`. A softmax over the last axis marks its output (core's
 * `markSoftmaxOutput`, Keras 3's cached `_keras_logits`): the cross-entropy losses then compute exactly.
 */
export function softmax(options: SoftmaxOptions = {}): Activation {
  checkOptions('softmax', options, KEYS);
  const { axis = -1 } = options;
  checkNumber('softmax axis', axis, { integer: true });
  return defineActivation('softmax', { axis }, 'glorot', (x) => {
    const a = normalizeAxis(axis, x.rank);
    const y = softmaxAlong(x, a);
    return a === x.rank - 1 ? markSoftmaxOutput(y) : y;
  });
}

function normalizeAxis(axis: number, rank: number): number {
  if (rank === 0 || axis < -rank || axis >= rank) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `softmax axis must be an integer in [${-rank}, ${rank}) for an input of rank ${rank}, got ${axis}`,
      { details: { axis, rank } },
    );
  }
  return axis < 0 ? axis + rank : axis;
}

function softmaxAlong(x: Tensor, axis: number): Tensor {
  const f = tf.customGrad(((input: Tensor, save: tf.GradSaveFunc) => {
    const shifted = tf.sub(input, tf.max(input, axis, true));
    const e = tf.exp(shifted);
    const y = tf.div(e, tf.sum(e, axis, true));
    save([y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [ys] = saved;
        if (ys === undefined) throw new Error('softmax: missing saved output');
        return tf.mul(ys, tf.sub(dy, tf.sum(tf.mul(dy, ys), axis, true)));
      },
    };
  }) as unknown as CustomGradientFunc);
  return f(x);
}

/** The argument type of `tf.customGrad` (not exported by name from tfjs-core). */
type CustomGradientFunc = Parameters<typeof tf.customGrad<Tensor>>[0];
