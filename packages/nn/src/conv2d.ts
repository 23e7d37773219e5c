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
  type Padding,
  toTuple,
} from './conv-utils.js';
import { describeObject } from './describe-object.js';
import type { Shape } from './layer.js';

/** Options of {@link Conv2D} (Keras 3 `keras.layers.Conv2D`, camelCased; channels-last only). */
export interface Conv2DOptions extends ConvCommonOptions {
  /** Number of output channels. */
  readonly filters: number;
  /** Window height and width (`3` is `[3, 3]`). */
  readonly kernelSize: number | readonly [number, number];
  /** Default `1`. */
  readonly strides?: number | readonly [number, number];
  /** Default `'valid'` (Keras). */
  readonly padding?: Padding;
  /** Default `1`; cannot be combined with strides > 1 (Keras 3). */
  readonly dilationRate?: number | readonly [number, number];
  /** Channel groups (default `1`): input and output channels split into `groups` independent convolutions. */
  readonly groups?: number;
  /** Default `'glorot_uniform'` (Keras), with Keras' conv fans (receptive field × channels). */
  readonly kernelInitializer?: InitializerNameLike | Initializer;
  readonly kernelRegularizer?: Regularizer;
  /** E.g. `maxNorm(3, { axis: [0, 1, 2] })`: Keras' per-filter max-norm on a conv kernel. */
  readonly kernelConstraint?: Constraint;
}

const CONV2D_KEYS = [
  ...CONV_COMMON_KEYS,
  'filters',
  'kernelSize',
  'strides',
  'padding',
  'dilationRate',
  'groups',
  'kernelInitializer',
  'kernelRegularizer',
  'kernelConstraint',
];

/**
 * 2-D convolution over NHWC inputs (Keras `Conv2D`): `y[b, y, x, o] = activation(Σ_{i,j,c}
 * xpad[b, s·y + d·i, s·x + d·j, c] · W[i, j, c, o] + b[o])` with kernel `W` `[kh, kw, in / groups, filters]`
 * (Keras layout; PyTorch's `nn.Conv2d` stores `[filters, in / groups, kh, kw]`: transpose `(2, 3, 1, 0)`).
 *
 * Padding `'valid'` (no padding, Keras' default) or `'same'` (TensorFlow's: output `⌈n / s⌉`, the odd padding
 * pixel at the bottom/right; PyTorch's `padding='same'` agrees for stride 1, PyTorch pads symmetrically
 * otherwise). Defaults (Keras 3): strides 1, dilation 1, groups 1, no activation, bias on, kernel
 * `glorot_uniform` with fans `kh·kw·in` / `kh·kw·filters` (PyTorch's default is Kaiming-uniform with a = √5),
 * bias zeros.
 *
 * Parameters: `${name}/kernel`, then `${name}/bias` (Keras order). The convolution and its gradients run on
 * every backend (see `conv-ops.ts`), dilated kernels included.
 */
export class Conv2D extends BaseConv {
  readonly className: string = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly dilationRate: readonly [number, number];
  readonly groups: number;
  readonly kernelInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly kernelConstraint: Constraint | undefined;
  private _kernel: Parameter | undefined;

  constructor(options: Conv2DOptions) {
    checkOptions('Conv2D', options, CONV2D_KEYS);
    super(options);
    const where = `layer '${this.name}' (Conv2D)`;
    const {
      filters,
      kernelSize,
      strides = 1,
      padding = 'valid',
      dilationRate = 1,
      groups = 1,
      kernelInitializer = 'glorot_uniform',
      kernelRegularizer,
      kernelConstraint,
    } = options;
    this.filters = checkNumber('filters', filters, { min: 1, integer: true });
    this.kernelSize = toTuple(where, 'kernelSize', kernelSize, 2) as [number, number];
    this.strides = toTuple(where, 'strides', strides, 2) as [number, number];
    this.padding = checkPadding(where, padding, ['valid', 'same']);
    this.dilationRate = toTuple(where, 'dilationRate', dilationRate, 2) as [number, number];
    checkStridesDilation(where, [...this.strides], [...this.dilationRate]);
    this.groups = checkNumber('groups', groups, { min: 1, integer: true });
    if (this.filters % this.groups !== 0) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `${where}: filters (${this.filters}) must be divisible by groups (${this.groups})`,
        { details: { filters: this.filters, groups: this.groups } },
      );
    }
    this.kernelInitializer = getInitializer(kernelInitializer);
    this.kernelRegularizer = kernelRegularizer;
    this.kernelConstraint = kernelConstraint;
  }

  /** The kernel `[kh, kw, in / groups, filters]` (after build). */
  get kernel(): Parameter {
    if (this._kernel === undefined) {
      throw new SteadygradError('NOT_BUILT', `layer '${this.name}' (Conv2D) has no kernel until it is built`);
    }
    return this._kernel;
  }

  private effectiveWindow(): [number, number] {
    const [kh, kw] = this.kernelSize;
    const [dh, dw] = this.dilationRate;
    return [(kh - 1) * dh + 1, (kw - 1) * dw + 1];
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    const [eh, ew] = this.effectiveWindow();
    checkWindowedInput(
      this,
      inputShape,
      4,
      [
        { axis: 1, size: eh },
        { axis: 2, size: ew },
      ],
      this.padding,
      '[batch, height, width, channels]',
    );
    const channels = inputShape[3] as number;
    if (channels % this.groups !== 0) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (Conv2D): input channels (${channels}) must be divisible by groups (${this.groups})`,
        { details: { layer: this.name, channels, groups: this.groups } },
      );
    }
    const kernelRng = rng.fork();
    const biasRng = rng.fork();
    this._kernel = this.createParameter(
      'kernel',
      [...this.kernelSize, channels / this.groups, this.filters],
      this.kernelInitializer,
      kernelRng,
      this.kernelRegularizer,
      this.kernelConstraint,
    );
    this.createBias(this.filters, biasRng);
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [kh, kw] = this.kernelSize;
    return [
      inputShape[0] ?? null,
      convOutputLength(inputShape[1] ?? null, kh, this.padding, this.strides[0], this.dilationRate[0]),
      convOutputLength(inputShape[2] ?? null, kw, this.padding, this.strides[1], this.dilationRate[1]),
      this.filters,
    ];
  }

  protected convolve(x: Tensor): Tensor {
    const kernel = dilateKernel(this.kernel.variable as Tensor4D, this.dilationRate);
    const input = x as Tensor4D;
    if (this.groups === 1) return conv2dOp(input, kernel, this.strides, this.padding);
    const xs = tf.split(input, this.groups, 3) as Tensor4D[];
    const ks = tf.split(kernel, this.groups, 3) as Tensor4D[];
    return tf.concat(
      xs.map((xi, g) => conv2dOp(xi, ks[g] as Tensor4D, this.strides, this.padding)),
      3,
    );
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      groups: this.groups,
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
