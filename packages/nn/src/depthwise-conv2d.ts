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
} from '@steadygrad/core';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { getInitializer } from '@steadygrad/initializers';
import { BaseConv, CONV_COMMON_KEYS, type ConvCommonOptions } from './base-conv.js';
import { depthwiseConv2dOp } from './conv-ops.js';
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

/** The window options shared by {@link DepthwiseConv2D} and `SeparableConv2D`. */
export interface DepthwiseWindowOptions {
  /** Window height and width (`3` is `[3, 3]`). */
  readonly kernelSize: number | readonly [number, number];
  /** Default `1`. */
  readonly strides?: number | readonly [number, number];
  /** Default `'valid'` (Keras). */
  readonly padding?: Padding;
  /** Output channels per input channel (default `1`). */
  readonly depthMultiplier?: number;
  /** Default `1`; cannot be combined with strides > 1 (Keras 3). */
  readonly dilationRate?: number | readonly [number, number];
  /** Default `'glorot_uniform'` (Keras) on the `[kh, kw, in, multiplier]` kernel with Keras' conv fans. */
  readonly depthwiseInitializer?: InitializerNameLike | Initializer;
  readonly depthwiseRegularizer?: Regularizer;
  readonly depthwiseConstraint?: Constraint;
}

/** Options of {@link DepthwiseConv2D} (Keras 3 `keras.layers.DepthwiseConv2D`, camelCased). */
export interface DepthwiseConv2DOptions extends ConvCommonOptions, DepthwiseWindowOptions {}

export const DEPTHWISE_WINDOW_KEYS = [
  'kernelSize',
  'strides',
  'padding',
  'depthMultiplier',
  'dilationRate',
  'depthwiseInitializer',
  'depthwiseRegularizer',
  'depthwiseConstraint',
] as const;

/** The validated window of a depthwise convolution. */
export interface DepthwiseWindow {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly depthMultiplier: number;
  readonly dilationRate: readonly [number, number];
  readonly depthwiseInitializer: Initializer;
  readonly depthwiseRegularizer: Regularizer | undefined;
  readonly depthwiseConstraint: Constraint | undefined;
}

/** Validates {@link DepthwiseWindowOptions} with Keras' defaults. */
export function depthwiseWindow(where: string, options: DepthwiseWindowOptions): DepthwiseWindow {
  const {
    kernelSize,
    strides = 1,
    padding = 'valid',
    depthMultiplier = 1,
    dilationRate = 1,
    depthwiseInitializer = 'glorot_uniform',
    depthwiseRegularizer,
    depthwiseConstraint,
  } = options;
  const window = {
    kernelSize: toTuple(where, 'kernelSize', kernelSize, 2) as [number, number],
    strides: toTuple(where, 'strides', strides, 2) as [number, number],
    padding: checkPadding(where, padding, ['valid', 'same'] as const),
    depthMultiplier: checkNumber('depthMultiplier', depthMultiplier, { min: 1, integer: true }),
    dilationRate: toTuple(where, 'dilationRate', dilationRate, 2) as [number, number],
    depthwiseInitializer: getInitializer(depthwiseInitializer),
    depthwiseRegularizer,
    depthwiseConstraint,
  };
  checkStridesDilation(where, window.strides, window.dilationRate);
  return window;
}

/** Checks the input of a depthwise window at build time (rank 4, window within the input for 'valid'). */
export function checkDepthwiseInput(
  layer: { readonly name: string; readonly className: string },
  w: DepthwiseWindow,
  inputShape: Shape,
): number {
  const [kh, kw] = w.kernelSize;
  const [dh, dw] = w.dilationRate;
  checkWindowedInput(
    layer,
    inputShape,
    4,
    [
      { axis: 1, size: (kh - 1) * dh + 1 },
      { axis: 2, size: (kw - 1) * dw + 1 },
    ],
    w.padding,
    '[batch, height, width, channels]',
  );
  return inputShape[3] as number;
}

/** The spatial output shape of a depthwise window. */
export function depthwiseOutputHW(w: DepthwiseWindow, inputShape: Shape): [number | null, number | null] {
  return [
    convOutputLength(inputShape[1] ?? null, w.kernelSize[0], w.padding, w.strides[0], w.dilationRate[0]),
    convOutputLength(inputShape[2] ?? null, w.kernelSize[1], w.padding, w.strides[1], w.dilationRate[1]),
  ];
}

/** `getConfig` entries of a depthwise window. */
export function depthwiseConfig(w: DepthwiseWindow): Record<string, unknown> {
  return {
    kernelSize: [...w.kernelSize],
    strides: [...w.strides],
    padding: w.padding,
    depthMultiplier: w.depthMultiplier,
    dilationRate: [...w.dilationRate],
    depthwiseInitializer: describeObject(w.depthwiseInitializer),
    depthwiseRegularizer: describeObject(w.depthwiseRegularizer),
    depthwiseConstraint: describeObject(w.depthwiseConstraint),
  };
}

/**
 * Depthwise 2-D convolution over NHWC inputs (Keras `DepthwiseConv2D`): each input channel `c` is convolved
 * with its own `depthMultiplier` filters, output channel `c·M + m` = `Σ_{i,j} xpad[b, s·y + d·i, s·x + d·j, c] ·
 * K[i, j, c, m]` (+ bias, activation). Kernel `[kh, kw, in, depthMultiplier]` (Keras/TensorFlow layout;
 * PyTorch's `nn.Conv2d(groups=in)` stores `[in·M, 1, kh, kw]`). Keras' default initializer `glorot_uniform`
 * takes its fans from that layout: `fanIn = kh·kw·in`, `fanOut = kh·kw·M`.
 *
 * Parameters: `${name}/depthwise_kernel` (tfjs-layers' and tf.keras 2's name; Keras 3 calls it `kernel`), then
 * `${name}/bias`.
 */
export class DepthwiseConv2D extends BaseConv {
  readonly className: string = 'DepthwiseConv2D';
  readonly window: DepthwiseWindow;
  private _kernel: Parameter | undefined;

  constructor(options: DepthwiseConv2DOptions) {
    checkOptions('DepthwiseConv2D', options, [...CONV_COMMON_KEYS, ...DEPTHWISE_WINDOW_KEYS]);
    super(options);
    this.window = depthwiseWindow(`layer '${this.name}' (DepthwiseConv2D)`, options);
  }

  /** The kernel `[kh, kw, in, depthMultiplier]` (after build). */
  get depthwiseKernel(): Parameter {
    if (this._kernel === undefined) {
      throw new SteadygradError(
        'NOT_BUILT',
        `layer '${this.name}' (DepthwiseConv2D) has no kernel until it is built`,
      );
    }
    return this._kernel;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    const channels = checkDepthwiseInput(this, this.window, inputShape);
    const w = this.window;
    const kernelRng = rng.fork();
    const biasRng = rng.fork();
    this._kernel = this.createParameter(
      'depthwise_kernel',
      [...w.kernelSize, channels, w.depthMultiplier],
      w.depthwiseInitializer,
      kernelRng,
      w.depthwiseRegularizer,
      w.depthwiseConstraint,
    );
    this.createBias(channels * w.depthMultiplier, biasRng);
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const c = inputShape[3];
    return [
      inputShape[0] ?? null,
      ...depthwiseOutputHW(this.window, inputShape),
      typeof c === 'number' ? c * this.window.depthMultiplier : null,
    ];
  }

  protected convolve(x: Tensor): Tensor {
    const w = this.window;
    return depthwiseConv2dOp(
      x as Tensor4D,
      this.depthwiseKernel.variable as Tensor4D,
      w.strides,
      w.padding,
      w.dilationRate,
    );
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), ...depthwiseConfig(this.window) };
  }

  override cloneOptions(): Record<string, unknown> {
    const w = this.window;
    return {
      ...super.cloneOptions(),
      depthwiseInitializer: w.depthwiseInitializer,
      depthwiseRegularizer: w.depthwiseRegularizer,
      depthwiseConstraint: w.depthwiseConstraint,
    };
  }
}
