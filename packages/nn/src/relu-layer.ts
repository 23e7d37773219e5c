import { leakyRelu, relu6 } from '@steadygrad/activations';
import {
  checkNumber,
  checkOptions,
  registerGradients,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { LAYER_OPTION_KEYS } from './conv-utils.js';
import { type CallContext, Layer, type LayerOptions } from './layer.js';

/** Options of {@link ReLU} (Keras 3 `keras.layers.ReLU`, camelCased). */
export interface ReLUOptions extends LayerOptions {
  /** Upper bound of the output (default none); `6` gives ReLU6 (MobileNet). */
  readonly maxValue?: number;
  /** Slope below the threshold (default `0`). */
  readonly negativeSlope?: number;
  /** Inputs at or below it are "negative" (default `0`). */
  readonly threshold?: number;
}

/**
 * The rectified linear unit as a layer with Keras' options (Keras 3 `keras.layers.ReLU`):
 * `f(x) = maxValue` for `x ≥ maxValue`, `x` for `threshold < x < maxValue`, `negativeSlope·(x − threshold)`
 * otherwise — computed with Keras' own composition (`x·[x > threshold]`, clipped to `[0, maxValue]` when
 * `maxValue` is set, minus `negativeSlope·relu(threshold − x)`), so a negative threshold behaves as in Keras.
 * `new ReLU({ maxValue: 6 })` is ReLU6 (PyTorch `nn.ReLU6`), with gradient 0 at both kinks as TensorFlow;
 * `negativeSlope` alone is a leaky ReLU. No parameters.
 */
export class ReLU extends Layer {
  readonly className: string = 'ReLU';
  readonly maxValue: number | undefined;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(options: ReLUOptions = {}) {
    checkOptions('ReLU', options, [...LAYER_OPTION_KEYS, 'maxValue', 'negativeSlope', 'threshold']);
    super(options);
    const { maxValue, negativeSlope = 0, threshold = 0 } = options;
    if (maxValue !== undefined && maxValue !== null) checkNumber('maxValue', maxValue, { min: 0 });
    this.maxValue = maxValue ?? undefined;
    this.negativeSlope = checkNumber('negativeSlope', negativeSlope, { min: 0 });
    this.threshold = checkNumber('threshold', threshold);
    if (!Number.isFinite(this.threshold)) {
      throw new SteadygradError('INVALID_ARGUMENT', `layer '${this.name}' (ReLU): threshold must be finite`);
    }
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    registerGradients();
    const { maxValue, negativeSlope: slope, threshold } = this;
    return tf.tidy(() => {
      const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      if (slope !== 0 && maxValue === undefined && threshold === 0)
        return leakyRelu({ alpha: slope }).apply(input);
      if (slope === 0 && maxValue === 6 && threshold === 0) return relu6.apply(input);
      // Keras' composition; its gradient written out, since tfjs has no gradient for Greater.
      const op = tf.customGrad((xIn, save) => {
        const xt = xIn as Tensor;
        (save as (t: Tensor[]) => void)([xt]);
        let y: Tensor =
          threshold !== 0 ? tf.mul(xt, tf.cast(tf.greater(xt, threshold), 'float32')) : tf.relu(xt);
        if (maxValue !== undefined) y = tf.clipByValue(y, 0, maxValue);
        if (slope !== 0) y = tf.sub(y, tf.mul(slope, tf.relu(tf.sub(threshold, xt))));
        const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor =>
          tf.tidy(() => {
            const xs = saved[0] as Tensor;
            // d/dx of x·[x > t] is [x > t]; clipByValue passes the gradient where 0 ≤ value ≤ maxValue
            // (TensorFlow); the negative part contributes slope·[x < t].
            let pass = tf.greater(xs, threshold);
            if (maxValue !== undefined && maxValue < Number.POSITIVE_INFINITY)
              pass = tf.logicalAnd(pass, tf.lessEqual(xs, maxValue));
            let g = tf.cast(pass, 'float32');
            if (slope !== 0) g = tf.add(g, tf.mul(slope, tf.cast(tf.less(xs, threshold), 'float32')));
            return tf.mul(dy, g);
          });
        return { value: y, gradFunc };
      });
      return op(input);
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      maxValue: this.maxValue,
      negativeSlope: this.negativeSlope,
      threshold: this.threshold,
    };
  }
}
