import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';

/**
 * Logistic sigmoid: `sigmoid(x) = 1 / (1 + exp(−x))`, gradient `sigmoid(x)·(1 − sigmoid(x))`.
 *
 * tfjs evaluates it without overflow for |x| up to 1e4 (exp(1e4) = Infinity gives 1/Infinity = 0).
 * Saturates for |x| ≳ 5: pairs with Glorot initialization. Keras name `'sigmoid'`.
 */
export const sigmoid = defineActivation('sigmoid', {}, 'glorot', (x) => tf.sigmoid(x));
