import { SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { type CallContext, Layer, type LayerOptions, type Shape } from '@steadygrad/nn';

/** Options of {@link Reshape}. */
export interface ReshapeOptions extends LayerOptions {
  /** The sample shape to produce, without the batch axis (Keras `Reshape(target_shape)`), e.g. `[28, 28]`. */
  readonly targetShape: readonly number[];
}

/**
 * Reshapes every sample to `targetShape` (Keras `Reshape`, row-major): the decoder's last layer, turning
 * `[batch, 784]` back into `[batch, 28, 28]` so that an autoencoder can be trained with `fit(x, x)`. No
 * parameters. The sample size must not change (`SHAPE_MISMATCH` at build time otherwise).
 */
export class Reshape extends Layer {
  readonly className: string = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(options: ReshapeOptions) {
    super(options);
    const { targetShape } = options ?? {};
    if (
      !Array.isArray(targetShape) ||
      targetShape.length === 0 ||
      targetShape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)
    ) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `targetShape must be a non-empty array of positive integers (without the batch axis), got ${JSON.stringify(targetShape)}`,
      );
    }
    this.targetShape = Object.freeze([...targetShape]);
  }

  override build(inputShape: Shape, rng: Parameters<Layer['build']>[1]): void {
    const rest = inputShape.slice(1);
    const size = rest.every((d) => d !== null) ? rest.reduce<number>((n, d) => n * (d as number), 1) : null;
    const want = this.targetShape.reduce((n, d) => n * d, 1);
    if (size !== null && size !== want) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (Reshape) cannot reshape samples of ${size} values (input shape [${rest.join(', ')}]) to [${this.targetShape.join(', ')}] (${want} values)`,
      );
    }
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, ...this.targetShape];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return tf.reshape(x, [x.shape[0] ?? 1, ...this.targetShape]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}
