import { checkNumber, type Initializer, tf } from '@steadygrad/core';
import { makeInitializer } from './make-initializer.js';

/** All zeros (Keras `'zeros'`, the default bias initializer). Draws nothing from the stream. */
export function zeros(): Initializer {
  return makeInitializer('zeros', {}, (shape) => tf.zeros(shape, 'float32'));
}

/** All ones (Keras `'ones'`, e.g. the BatchNorm `gamma` default). Draws nothing from the stream. */
export function ones(): Initializer {
  return makeInitializer('ones', {}, (shape) => tf.ones(shape, 'float32'));
}

/**
 * Every element equal to `value` (Keras `Constant(value=0.0)`). Draws nothing from the stream.
 * @param value a finite number; default 0 as in Keras.
 */
export function constant(value = 0): Initializer {
  checkNumber('constant value', value);
  return makeInitializer('constant', { value }, (shape) => tf.fill(shape, value, 'float32'));
}
