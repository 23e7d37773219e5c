import { checkOneOf, SteadygradError } from '@steadygrad/core';
import { formatShape, type Shape } from '@steadygrad/nn';
import { Dropout } from './dropout.js';
import type { StochasticLayerOptions } from './stochastic-layer.js';

/** Options of the spatial dropout layers (Keras 3 `SpatialDropout1D/2D/3D`). */
export interface SpatialDropoutOptions extends StochasticLayerOptions {
  /** Fraction of feature maps (channels) to drop, in [0, 1). */
  readonly rate: number;
  /** Where the channel axis is: last (default, Keras and steadygrad's convention) or right after the batch. */
  readonly dataFormat?: 'channels_last' | 'channels_first';
}

const DATA_FORMATS = ['channels_last', 'channels_first'] as const;

/**
 * Spatial dropout: drops whole feature maps instead of single units — one Bernoulli draw per (sample,
 * channel), shared over the spatial axes — scaled by `1/(1 − rate)` like {@link Dropout}. Neighbouring
 * activations of a feature map are strongly correlated, so dropping single units hardly regularizes
 * convolutional features (Tompson et al., 2015). Mask shape `[batch, 1, …, 1, channels]` (channels-last)
 * or `[batch, channels, 1, …, 1]` (channels-first). PyTorch: `nn.Dropout1d/2d/3d`, channels-first.
 */
abstract class SpatialDropout extends Dropout {
  readonly dataFormat: 'channels_last' | 'channels_first';
  /** Input rank including the batch axis. */
  protected abstract readonly inputRank: number;

  constructor(options: SpatialDropoutOptions) {
    const { dataFormat = 'channels_last', ...rest } = options;
    super(rest);
    this.dataFormat = checkOneOf('dataFormat', dataFormat, DATA_FORMATS);
  }

  /** Checks the input rank and records the shape (the mask is drawn per sample and channel). */
  override build(inputShape: Shape, rng: Parameters<Dropout['build']>[1]): void {
    if (inputShape.length !== this.inputRank) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (${this.className}) expects inputs of rank ${this.inputRank} (batch, ${this.inputRank - 2} spatial axes, channels), got ${formatShape(inputShape)}`,
        { details: { layer: this.name, got: [...inputShape] } },
      );
    }
    super.build(inputShape, rng);
  }

  protected override maskShape(shape: readonly number[]): number[] {
    const batch = shape[0] as number;
    if (this.dataFormat === 'channels_first') {
      return [batch, shape[1] as number, ...shape.slice(2).map(() => 1)];
    }
    return [batch, ...shape.slice(1, -1).map(() => 1), shape[shape.length - 1] as number];
  }

  /** The Keras config: Dropout's plus `data_format`. */
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    config.dataFormat = this.dataFormat;
    return config;
  }
}

/** Spatial dropout for `[batch, steps, channels]` inputs (Keras `SpatialDropout1D`). */
export class SpatialDropout1D extends SpatialDropout {
  override readonly className: string = 'SpatialDropout1D';
  protected readonly inputRank = 3;
}

/** Spatial dropout for `[batch, height, width, channels]` inputs (Keras `SpatialDropout2D`). */
export class SpatialDropout2D extends SpatialDropout {
  override readonly className: string = 'SpatialDropout2D';
  protected readonly inputRank = 4;
}

/** Spatial dropout for `[batch, d1, d2, d3, channels]` inputs (Keras `SpatialDropout3D`). */
export class SpatialDropout3D extends SpatialDropout {
  override readonly className: string = 'SpatialDropout3D';
  protected readonly inputRank = 5;
}
