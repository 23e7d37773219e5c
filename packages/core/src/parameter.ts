import * as tf from '@tensorflow/tfjs-core';
import { SteadygradError } from './errors.js';

/**
 * A named model parameter: a tfjs `Variable` with a human name (`dense_1/kernel`) and a `trainable` flag.
 * Optimizers update only trainable parameters; non-trainable ones (batch-norm moving statistics) are state
 * that layers update themselves. The underlying tfjs variable gets an engine-unique internal name, so two
 * models may hold parameters with the same human name.
 */
export class Parameter {
  readonly name: string;
  readonly variable: tf.Variable;
  private _trainable: boolean;

  constructor(name: string, initial: tf.Tensor, options: { readonly trainable?: boolean } = {}) {
    const { trainable = true } = options;
    if (typeof name !== 'string' || name.length === 0) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `parameter name must be a non-empty string, got ${JSON.stringify(name)}`,
      );
    }
    this.name = name;
    this._trainable = trainable;
    this.variable = tf.variable(initial, trainable);
  }

  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(value: boolean) {
    this._trainable = value;
    this.variable.trainable = value;
  }

  get shape(): number[] {
    return this.variable.shape;
  }

  get size(): number {
    return this.variable.size;
  }

  /** Current value (the variable itself; do not dispose it). */
  get value(): tf.Variable {
    return this.variable;
  }

  /**
   * Replaces the value; the shape must match exactly (`SHAPE_MISMATCH`). A numeric value of another dtype
   * is converted (the copy is freed); a string or complex value is `DTYPE_MISMATCH`. A rejected call changes
   * nothing. Does not take ownership of `value`.
   */
  assign(value: tf.Tensor): void {
    if (!tf.util.arraysEqual(value.shape, this.variable.shape)) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `parameter '${this.name}' expects shape [${this.variable.shape}], got [${value.shape}]`,
        { details: { parameter: this.name, expected: this.variable.shape, got: value.shape } },
      );
    }
    if (value.dtype === this.variable.dtype) {
      this.variable.assign(value);
      return;
    }
    if (value.dtype === 'string' || value.dtype === 'complex64') {
      throw new SteadygradError(
        'DTYPE_MISMATCH',
        `parameter '${this.name}' holds ${this.variable.dtype} values, got a ${value.dtype} tensor`,
        { details: { parameter: this.name, expected: this.variable.dtype, got: value.dtype } },
      );
    }
    // A numeric value of another dtype is converted; the converted copy is freed once assigned.
    const cast = tf.cast(value, this.variable.dtype);
    try {
      this.variable.assign(cast);
    } finally {
      cast.dispose();
    }
  }

  /** Frees the underlying variable. */
  dispose(): void {
    if (!this.variable.isDisposed) this.variable.dispose();
  }
}
