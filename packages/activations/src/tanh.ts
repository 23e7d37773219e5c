import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';

/**
 * Hyperbolic tangent: `tanh(x)`, gradient `1 − tanh(x)²`. Zero-centred but saturating: pairs with Glorot
 * initialization. Keras name `'tanh'`.
 */
export const tanh = defineActivation('tanh', {}, 'glorot', (x) => tf.tanh(x));
