import { checkOptions, type Tensor, type Tensor4D, tf } from '@steadygrad/core';
import { windowPadding } from './conv-ops.js';
import {
  checkPadding,
  checkWindowedInput,
  convOutputLength,
  LAYER_OPTION_KEYS,
  type Padding,
  toTuple,
} from './conv-utils.js';
import { type CallContext, Layer, type LayerOptions, type Shape, toSnakeCase } from './layer.js';

/** Options of {@link MaxPooling2D} and {@link AveragePooling2D} (Keras 3, camelCased; channels-last only). */
export interface Pooling2DOptions extends LayerOptions {
  /** Window height and width (default `2`, i.e. `[2, 2]`). */
  readonly poolSize?: number | readonly [number, number];
  /** Default: the pool size (Keras' `strides=None`). */
  readonly strides?: number | readonly [number, number];
  /** Default `'valid'` (Keras). */
  readonly padding?: Padding;
}

const POOLING_KEYS = [...LAYER_OPTION_KEYS, 'poolSize', 'strides', 'padding'];

/** What the two 2-D pooling layers share: the window, the output shape and the input checks. */
abstract class Pooling2D extends Layer {
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;

  constructor(className: string, options: Pooling2DOptions) {
    checkOptions(className, options, POOLING_KEYS);
    super(options);
    const where = `layer '${options.name ?? toSnakeCase(className)}' (${className})`;
    const { poolSize = 2, strides, padding = 'valid' } = options;
    this.poolSize = toTuple(where, 'poolSize', poolSize, 2) as [number, number];
    this.strides =
      strides === undefined || strides === null
        ? this.poolSize
        : (toTuple(where, 'strides', strides, 2) as [number, number]);
    this.padding = checkPadding(where, padding, ['valid', 'same'] as const);
  }

  override build(inputShape: Shape, rng: Parameters<Layer['build']>[1]): void {
    checkWindowedInput(
      this,
      inputShape,
      4,
      [
        { axis: 1, size: this.poolSize[0] },
        { axis: 2, size: this.poolSize[1] },
      ],
      this.padding,
      '[batch, height, width, channels]',
    );
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [
      inputShape[0] ?? null,
      convOutputLength(inputShape[1] ?? null, this.poolSize[0], this.padding, this.strides[0]),
      convOutputLength(inputShape[2] ?? null, this.poolSize[1], this.padding, this.strides[1]),
      inputShape[3] ?? null,
    ];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      poolSize: [...this.poolSize],
      strides: [...this.strides],
      padding: this.padding,
    };
  }
}

/**
 * 2-D max pooling over NHWC inputs (Keras `MaxPooling2D`): the maximum of each `poolSize` window, moved by
 * `strides` (default: the pool size); `'same'` pads with −∞ (TensorFlow). The gradient goes to the window's
 * maximum. PyTorch's `nn.MaxPool2d` takes NCHW and pads symmetrically.
 */
export class MaxPooling2D extends Pooling2D {
  readonly className: string = 'MaxPooling2D';

  constructor(options: Pooling2DOptions = {}) {
    super('MaxPooling2D', options);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return tf.maxPool(
      x as Tensor4D,
      this.poolSize as [number, number],
      this.strides as [number, number],
      this.padding,
    );
  }
}

/**
 * 2-D average pooling over NHWC inputs (Keras `AveragePooling2D`): the mean of each window; with `'same'`
 * the padded positions are left out of the count (TensorFlow; PyTorch's `count_include_pad=False`).
 */
export class AveragePooling2D extends Pooling2D {
  readonly className: string = 'AveragePooling2D';

  constructor(options: Pooling2DOptions = {}) {
    super('AveragePooling2D', options);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return tf.tidy(() => {
      const input = (x.dtype === 'float32' ? x : tf.cast(x, 'float32')) as Tensor4D;
      const size = this.poolSize as [number, number];
      const strides = this.strides as [number, number];
      if (this.padding === 'valid') return tf.avgPool(input, size, strides, 'valid');
      // tfjs' 'same' average pooling leaves the padding out of the forward count but not out of its
      // gradient; so: zero-pad, average over full windows, rescale each window by area / valid count.
      const [, h, w] = input.shape;
      const [[t, b], [l, r]] = windowPadding([h, w], size, strides, 'same');
      const padded = tf.pad(input, [
        [0, 0],
        [t, b],
        [l, r],
        [0, 0],
      ]);
      const full = tf.avgPool(padded, size, strides, 'valid');
      const [, oh, ow] = full.shape;
      const valid = (n: number, k: number, s: number, before: number, o: number) => {
        const start = o * s - before;
        return Math.min(start + k, n) - Math.max(start, 0);
      };
      const scale = new Float32Array(oh * ow);
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const count = valid(h, size[0], strides[0], t, i) * valid(w, size[1], strides[1], l, j);
          scale[i * ow + j] = (size[0] * size[1]) / count;
        }
      }
      return tf.mul(full, tf.tensor4d(scale, [1, oh, ow, 1]));
    });
  }
}
