import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';
import { unaryWithGradient } from './unary-with-gradient.js';

/**
 * ReLU capped at 6: `relu6(x) = min(max(x, 0), 6)`. Gradient 1 on the open interval (0, 6), 0 elsewhere
 * — so 0 at both kinks, as in TensorFlow's `Relu6Grad` and PyTorch (tfjs' own `relu6` gradient is 1 at
 * x = 6; we do not follow it). Pairs with He initialization. Keras name `'relu6'`.
 */
export const relu6 = defineActivation(
  'relu6',
  {},
  'he',
  unaryWithGradient(
    (x) => tf.clipByValue(x, 0, 6),
    (x) => tf.cast(tf.logicalAnd(tf.greater(x, 0), tf.less(x, 6)), 'float32'),
  ),
);
