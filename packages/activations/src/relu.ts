import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';

/**
 * Rectified linear unit: `relu(x) = max(x, 0)`.
 *
 * Gradient: 1 for x > 0, 0 for x <= 0, so `relu'(0) = 0` (the convention of tfjs, TensorFlow and
 * PyTorch). Pairs with He initialization. Keras name `'relu'`.
 */
export const relu = defineActivation('relu', {}, 'he', (x) => tf.relu(x));
