import {
  checkNumber,
  checkOptions,
  type Initializer,
  optionKeys,
  SteadygradError,
  tf,
} from '@steadygrad/core';
import { makeInitializer } from './make-initializer.js';

/** Options of `identity` (Keras 3 `Identity`). */
export interface IdentityOptions {
  /** Multiplier of the identity, > 0; default 1 (Keras 3 `Identity(gain=1.0)`). */
  readonly gain?: number;
}

const KEYS = optionKeys<IdentityOptions>()(['gain']);

/**
 * `gain · I` for a 2-D shape `[rows, cols]` (Keras 3 `'identity'`: `gain * eye(rows, cols)`, so a
 * non-square shape gets ones on the main diagonal; tfjs-layers only allows square shapes; PyTorch
 * `eye_` has no gain). Draws nothing from the stream.
 */
export function identity(options: IdentityOptions = {}): Initializer {
  checkOptions('identity', options, KEYS);
  const { gain = 1 } = options;
  checkNumber('identity gain', gain, { above: 0 });
  return makeInitializer('identity', { gain }, (shape) => {
    if (shape.length !== 2) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `identity: shape must be 2-D [rows, cols], got ${JSON.stringify(shape)}`,
        { details: { shape } },
      );
    }
    const [rows, cols] = shape as [number, number];
    const out = new Float32Array(rows * cols);
    for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = gain;
    return tf.tensor(out, shape, 'float32');
  });
}
