import { checkBoolean, checkOptions, type Tensor, tf } from '@steadygrad/core';
import { checkWindowedInput, LAYER_OPTION_KEYS } from './conv-utils.js';
import { type CallContext, Layer, type LayerOptions, type Shape } from './layer.js';

/** Options of {@link GlobalAveragePooling2D} and {@link GlobalMaxPooling2D} (Keras 3, camelCased). */
export interface GlobalPooling2DOptions extends LayerOptions {
  /** Keep the spatial axes as size 1 (`[batch, 1, 1, channels]`); default `false` (`[batch, channels]`). */
  readonly keepdims?: boolean;
}

abstract class GlobalPooling2D extends Layer {
  readonly keepdims: boolean;

  constructor(className: string, options: GlobalPooling2DOptions) {
    checkOptions(className, options, [...LAYER_OPTION_KEYS, 'keepdims']);
    super(options);
    const { keepdims = false } = options;
    this.keepdims = checkBoolean('keepdims', keepdims);
  }

  override build(inputShape: Shape, rng: Parameters<Layer['build']>[1]): void {
    checkWindowedInput(this, inputShape, 4, [], 'same', '[batch, height, width, channels]');
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const batch = inputShape[0] ?? null;
    const channels = inputShape[3] ?? null;
    return this.keepdims ? [batch, 1, 1, channels] : [batch, channels];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), keepdims: this.keepdims };
  }
}

/**
 * The mean over the height and width axes of an NHWC input (Keras `GlobalAveragePooling2D`; the usual
 * bridge from a convolutional base to a classification head). PyTorch: `nn.AdaptiveAvgPool2d(1)` + flatten.
 */
export class GlobalAveragePooling2D extends GlobalPooling2D {
  readonly className: string = 'GlobalAveragePooling2D';

  constructor(options: GlobalPooling2DOptions = {}) {
    super('GlobalAveragePooling2D', options);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return tf.tidy(() => tf.mean(x.dtype === 'float32' ? x : tf.cast(x, 'float32'), [1, 2], this.keepdims));
  }
}

/** The maximum over the height and width axes of an NHWC input (Keras `GlobalMaxPooling2D`). */
export class GlobalMaxPooling2D extends GlobalPooling2D {
  readonly className: string = 'GlobalMaxPooling2D';

  constructor(options: GlobalPooling2DOptions = {}) {
    super('GlobalMaxPooling2D', options);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return tf.max(x, [1, 2], this.keepdims);
  }
}
