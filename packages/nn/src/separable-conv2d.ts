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
import { depthwiseConv2dOp } from './conv-ops.js';
import {
  checkDepthwiseInput,
  DEPTHWISE_WINDOW_KEYS,
  type DepthwiseWindow,
  type DepthwiseWindowOptions,
  depthwiseConfig,
  depthwiseOutputHW,
  depthwiseWindow,
} from './depthwise-conv2d.js';
import { describeObject } from './describe-object.js';
import type { Shape } from './layer.js';

/** Options of {@link SeparableConv2D} (Keras 3 `keras.layers.SeparableConv2D`, camelCased). */
export interface SeparableConv2DOptions extends ConvCommonOptions, DepthwiseWindowOptions {
  /** Number of output channels (of the pointwise convolution). */
  readonly filters: number;
  /** Default `'glorot_uniform'` (Keras) on the `[1, 1, in·multiplier, filters]` kernel. */
  readonly pointwiseInitializer?: InitializerNameLike | Initializer;
  readonly pointwiseRegularizer?: Regularizer;
  readonly pointwiseConstraint?: Constraint;
}

/**
 * Depthwise-separable 2-D convolution (Keras `SeparableConv2D`): a depthwise convolution (kernel
 * `[kh, kw, in, M]`, see `DepthwiseConv2D`; strides, padding and dilation apply here) followed by a 1×1
 * pointwise convolution (kernel `[1, 1, in·M, filters]`), then the bias and the activation. Neither
 * convolution has a bias of its own (Keras).
 *
 * Parameters: `${name}/depthwise_kernel`, `${name}/pointwise_kernel`, then `${name}/bias` (Keras order).
 */
export class SeparableConv2D extends BaseConv {
  readonly className: string = 'SeparableConv2D';
  readonly filters: number;
  readonly window: DepthwiseWindow;
  readonly pointwiseInitializer: Initializer;
  readonly pointwiseRegularizer: Regularizer | undefined;
  readonly pointwiseConstraint: Constraint | undefined;
  private _depthwise: Parameter | undefined;
  private _pointwise: Parameter | undefined;

  constructor(options: SeparableConv2DOptions) {
    checkOptions('SeparableConv2D', options, [
      ...CONV_COMMON_KEYS,
      ...DEPTHWISE_WINDOW_KEYS,
      'filters',
      'pointwiseInitializer',
      'pointwiseRegularizer',
      'pointwiseConstraint',
    ]);
    super(options);
    const {
      filters,
      pointwiseInitializer = 'glorot_uniform',
      pointwiseRegularizer,
      pointwiseConstraint,
    } = options;
    this.filters = checkNumber('filters', filters, { min: 1, integer: true });
    this.window = depthwiseWindow(`layer '${this.name}' (SeparableConv2D)`, options);
    this.pointwiseInitializer = getInitializer(pointwiseInitializer);
    this.pointwiseRegularizer = pointwiseRegularizer;
    this.pointwiseConstraint = pointwiseConstraint;
  }

  /** The depthwise kernel `[kh, kw, in, depthMultiplier]` (after build). */
  get depthwiseKernel(): Parameter {
    return this.need(this._depthwise, 'depthwise kernel');
  }

  /** The pointwise kernel `[1, 1, in·depthMultiplier, filters]` (after build). */
  get pointwiseKernel(): Parameter {
    return this.need(this._pointwise, 'pointwise kernel');
  }

  private need(p: Parameter | undefined, what: string): Parameter {
    if (p === undefined) {
      throw new SteadygradError(
        'NOT_BUILT',
        `layer '${this.name}' (SeparableConv2D) has no ${what} until it is built`,
      );
    }
    return p;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    const channels = checkDepthwiseInput(this, this.window, inputShape);
    const w = this.window;
    const depthRng = rng.fork();
    const pointRng = rng.fork();
    const biasRng = rng.fork();
    this._depthwise = this.createParameter(
      'depthwise_kernel',
      [...w.kernelSize, channels, w.depthMultiplier],
      w.depthwiseInitializer,
      depthRng,
      w.depthwiseRegularizer,
      w.depthwiseConstraint,
    );
    this._pointwise = this.createParameter(
      'pointwise_kernel',
      [1, 1, channels * w.depthMultiplier, this.filters],
      this.pointwiseInitializer,
      pointRng,
      this.pointwiseRegularizer,
      this.pointwiseConstraint,
    );
    this.createBias(this.filters, biasRng);
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, ...depthwiseOutputHW(this.window, inputShape), this.filters];
  }

  protected convolve(x: Tensor): Tensor {
    const w = this.window;
    const depth = depthwiseConv2dOp(
      x as Tensor4D,
      this.depthwiseKernel.variable as Tensor4D,
      w.strides,
      w.padding,
      w.dilationRate,
    );
    const [b, h, wd, c] = depth.shape;
    const pointwise = this.pointwiseKernel.variable;
    // A 1×1 convolution is a matrix product over the channel axis.
    const flat = tf.matMul(tf.reshape(depth, [b * h * wd, c]), tf.reshape(pointwise, [c, this.filters]));
    return tf.reshape(flat, [b, h, wd, this.filters]);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      ...depthwiseConfig(this.window),
      pointwiseInitializer: describeObject(this.pointwiseInitializer),
      pointwiseRegularizer: describeObject(this.pointwiseRegularizer),
      pointwiseConstraint: describeObject(this.pointwiseConstraint),
    };
  }

  override cloneOptions(): Record<string, unknown> {
    const w = this.window;
    return {
      ...super.cloneOptions(),
      depthwiseInitializer: w.depthwiseInitializer,
      depthwiseRegularizer: w.depthwiseRegularizer,
      depthwiseConstraint: w.depthwiseConstraint,
      pointwiseInitializer: this.pointwiseInitializer,
      pointwiseRegularizer: this.pointwiseRegularizer,
      pointwiseConstraint: this.pointwiseConstraint,
    };
  }
}
