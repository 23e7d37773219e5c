import { tf } from '@steadygrad/core';
import { defineActivation } from './define-activation.js';

/**
 * Identity: `linear(x) = x`, gradient 1. Returns a new tensor handle (`tf.clone`, which shares the data)
 * so a caller may dispose its input and output independently. Keras name `'linear'`; what
 * `getActivation(undefined)` returns. Pairs with Glorot initialization (the Keras default).
 */
export const linear = defineActivation('linear', {}, 'glorot', (x) => tf.clone(x));
