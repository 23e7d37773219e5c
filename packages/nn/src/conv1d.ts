import {
  type Constraint,
  checkNumber,
  checkOptions,
  type Initializer,
  type Parameter,
  type RandomStream,
  type Regularizer,
  SteadygradError,
  type Tensor,
  type Tensor4D,
  tf,
} from '@steadygrad/core';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { getInitializer } from '@steadygrad/initializers';
import { BaseConv, CONV_COMMON_KEYS, type ConvCommonOptions } from './base-conv.js';
import { conv2dOp, dilateKernel } from './conv-ops.js';
import {
  checkPadding,
  checkStridesDilation,
  checkWindowedInput,
  convOutputLength,
  toTuple,
} from './conv-utils.js';
import { describeObject } from './describe-object.js';
import type { Shape } from './layer.js';

/** Options of {@link Conv1D} (Keras 3 `keras.layers.Conv1D`, camelCased; channels-last only). */
export interface Conv1DOptions extends ConvCommonOptions {
  /** Number of output channels. */
  readonly filters: number;
  /** Window length (`[k]` or `k`). */
  readonly kernelSize: number | readonly [number];
  /** Default `1`. */
  readonly strides?: number | readonly [number];
  /** `'valid'` (default), `'same'`, or `'causal'` (left padding of `(k − 1)·d`: output `t` sees inputs `≤ t`). */
  readonly padding?: 'valid' | 'same' | 'causal';
  /** Default `1`; cannot be combined with strides > 1 (Keras 3). */
  readonly dilationRate?: number | readonly [number];
  /** Default `'glorot_uniform'` (Keras) on the `[k, in, filters]` kernel: fans `k·in` / `k·filters`. */
  readonly kernelInitializer?: InitializerNameLike | Initializer;
  readonly kernelRegularizer?: Regularizer;
  readonly kernelConstraint?: Constraint;
}

/**
 * 1-D convolution over `[batch, steps, channels]` inputs (Keras `Conv1D`): `y[b, t, o] = activation(Σ_{i,c}
 * xpad[b, s·t + d·i, c] · W[i, c, o] + b[o])`, kernel `[k, in, filters]` (PyTorch's `nn.Conv1d` stores
 * `[filters, in, k]` and takes `[batch, channels, steps]`). Runs as a `Conv2D` of height 1.
 *
 * Parameters: `${name}/kernel`, then `${name}/bias`.
 */
export class Conv1D extends BaseConv {
  readonly className: string = 'Conv1D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dilationRate: number;
  readonly kernelInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly kernelConstraint: Constraint | undefined;
  private _kernel: Parameter | undefined;

  constructor(options: Conv1DOptions) {
    checkOptions('Conv1D', options, [
      ...CONV_COMMON_KEYS,
      'filters',
      'kernelSize',
      'strides',
      'padding',
      'dilationRate',
      'kernelInitializer',
      'kernelRegularizer',
      'kernelConstraint',
    ]);
    super(options);
    const where = `layer '${this.name}' (Conv1D)`;
    const {
      filters,
      kernelSize,
      strides = 1,
      padding = 'valid',
      dilationRate = 1,
      kernelInitializer = 'glorot_uniform',
      kernelRegularizer,
      kernelConstraint,
    } = options;
    this.filters = checkNumber('filters', filters, { min: 1, integer: true });
    [this.kernelSize] = toTuple(where, 'kernelSize', kernelSize, 1) as [number];
    [this.strides] = toTuple(where, 'strides', strides, 1) as [number];
    this.padding = checkPadding(where, padding, ['valid', 'same', 'causal'] as const);
    [this.dilationRate] = toTuple(where, 'dilationRate', dilationRate, 1) as [number];
    checkStridesDilation(where, [this.strides], [this.dilationRate]);
    this.kernelInitializer = getInitializer(kernelInitializer);
    this.kernelRegularizer = kernelRegularizer;
    this.kernelConstraint = kernelConstraint;
  }

  /** The kernel `[k, in, filters]` (after build). */
  get kernel(): Parameter {
    if (this._kernel === undefined) {
      throw new SteadygradError('NOT_BUILT', `layer '${this.name}' (Conv1D) has no kernel until it is built`);
    }
    return this._kernel;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    const window = (this.kernelSize - 1) * this.dilationRate + 1;
    checkWindowedInput(
      this,
      inputShape,
      3,
      [{ axis: 1, size: window }],
      this.padding,
      '[batch, steps, channels]',
    );
    const kernelRng = rng.fork();
    const biasRng = rng.fork();
    this._kernel = this.createParameter(
      'kernel',
      [this.kernelSize, inputShape[2] as number, this.filters],
      this.kernelInitializer,
      kernelRng,
      this.kernelRegularizer,
      this.kernelConstraint,
    );
    this.createBias(this.filters, biasRng);
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const steps = convOutputLength(
      inputShape[1] ?? null,
      this.kernelSize,
      this.padding,
      this.strides,
      this.dilationRate,
    );
    return [inputShape[0] ?? null, steps, this.filters];
  }

  protected convolve(x: Tensor): Tensor {
    const [batch, steps, channels] = x.shape as [number, number, number];
    let input = tf.reshape(x, [batch, 1, steps, channels]) as Tensor4D;
    if (this.padding === 'causal') {
      input = tf.pad(input, [
        [0, 0],
        [0, 0],
        [(this.kernelSize - 1) * this.dilationRate, 0],
        [0, 0],
      ]);
    }
    const k = this.kernel.variable;
    const kernel = dilateKernel(tf.reshape(k, [1, this.kernelSize, channels, this.filters]), [
      1,
      this.dilationRate,
    ]);
    const y = conv2dOp(input, kernel, [1, this.strides], this.padding === 'same' ? 'same' : 'valid');
    return tf.reshape(y, [batch, y.shape[2], this.filters]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [this.kernelSize],
      strides: [this.strides],
      padding: this.padding,
      dilationRate: [this.dilationRate],
      kernelInitializer: describeObject(this.kernelInitializer),
      kernelRegularizer: describeObject(this.kernelRegularizer),
      kernelConstraint: describeObject(this.kernelConstraint),
    };
  }

  override cloneOptions(): Record<string, unknown> {
    return {
      ...super.cloneOptions(),
      kernelInitializer: this.kernelInitializer,
      kernelRegularizer: this.kernelRegularizer,
      kernelConstraint: this.kernelConstraint,
    };
  }
}
