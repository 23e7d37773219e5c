import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/**
 * Hard sigmoid, Keras 3 definition: `hardSigmoid(x) = relu6(x + 3) / 6 = clip(x/6 + 1/2, 0, 1)`
 * (identical to PyTorch's `Hardsigmoid`). Gradient 1/6 on the open interval (−3, 3), 0 elsewhere
 * (0 at ±3, as in PyTorch and TensorFlow's relu6 gradient).
 *
 * Keras 2 and tfjs-layers use a different curve, `clip(0.2·x + 0.5, 0, 1)` (kinks at ±2.5); we follow
 * Keras 3. Pairs with Glorot initialization. Keras name `'hard_sigmoid'`.
 */
export const hardSigmoid = defineActivation(
  'hard_sigmoid',
  {},
  'glorot',
  unaryWithGradient(
    (x) => tf.div(tf.clipByValue(tf.add(x, 3), 0, 6), 6),
    (x) => tf.mul(tf.cast(tf.logicalAnd(tf.greater(x, -3), tf.less(x, 3)), 'float32'), 1 / 6),
  ),
);
