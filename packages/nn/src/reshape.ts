import { checkOptions, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { LAYER_OPTION_KEYS } from './conv-utils.js';
import { type CallContext, formatShape, Layer, type LayerOptions, type Shape } from './layer.js';

/** Options of {@link Reshape} (Keras 3 `keras.layers.Reshape`, camelCased). */
export interface ReshapeOptions extends LayerOptions {
  /** The shape of each sample (without the batch axis); at most one `-1`, inferred from the size. */
  readonly targetShape: readonly number[];
}

/**
 * Reshapes each sample to `targetShape` (Keras `Reshape`), e.g. `[784]` → `[28, 28, 1]` to feed a flat
 * batch to `Conv2D`. Row-major, as Keras and `torch.reshape`. At most one `-1`, inferred from the sample size.
 */
export class Reshape extends Layer {
  readonly className: string = 'Reshape';
  readonly targetShape: readonly number[];

  constructor(options: ReshapeOptions) {
    checkOptions('Reshape', options, [...LAYER_OPTION_KEYS, 'targetShape']);
    super(options);
    const { targetShape } = options;
    const ok =
      Array.isArray(targetShape) &&
      targetShape.length > 0 &&
      targetShape.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) &&
      targetShape.filter((d) => d === -1).length <= 1;
    if (!ok) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `layer '${this.name}' (Reshape): targetShape must be a non-empty array of positive integers with at most one -1, got ${JSON.stringify(targetShape)}`,
        { details: { targetShape } },
      );
    }
    this.targetShape = Object.freeze([...targetShape]);
  }

  /** The target shape with its `-1` resolved for samples of `sampleSize` values; throws when it cannot fit. */
  private resolve(sampleSize: number | null, inputShape: Shape): (number | null)[] {
    const known = this.targetShape.reduce((n, d) => (d === -1 ? n : n * d), 1);
    const free = this.targetShape.indexOf(-1);
    if (sampleSize === null) return this.targetShape.map((d) => (d === -1 ? null : d));
    if ((free === -1 && known !== sampleSize) || (free !== -1 && sampleSize % known !== 0)) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (Reshape): cannot reshape samples of shape ${formatShape(inputShape.slice(1))} (${sampleSize} values) to [${this.targetShape.join(', ')}]`,
        { details: { layer: this.name, targetShape: [...this.targetShape], got: [...inputShape] } },
      );
    }
    return this.targetShape.map((d) => (d === -1 ? sampleSize / known : d));
  }

  override build(inputShape: Shape, rng: Parameters<Layer['build']>[1]): void {
    this.computeOutputShape(inputShape);
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((n, d) => n * (d as number), 1);
    return [inputShape[0] ?? null, ...this.resolve(size, inputShape)];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const batch = x.shape[0] as number;
    const shape = this.resolve(batch === 0 ? 0 : x.size / batch, x.shape) as number[];
    return tf.reshape(x, [batch, ...shape]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), targetShape: [...this.targetShape] };
  }
}
