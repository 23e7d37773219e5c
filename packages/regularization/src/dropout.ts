import { checkNumber, checkOptions, optionKeys, type RandomStream, type Tensor, tf } from '@steadygrad/core';
import {
  bernoulliMask,
  checkNoiseShapeOption,
  type NoiseShape,
  resolveNoiseShape,
  STOCHASTIC_KEYS,
  StochasticLayer,
  type StochasticLayerOptions,
  sizeOf,
} from './stochastic-layer.js';

/** Options of {@link Dropout} (Keras 3 `keras.layers.Dropout`). */
export interface DropoutOptions extends StochasticLayerOptions {
  /** Fraction of units to drop, in [0, 1). */
  readonly rate: number;
  /**
   * Shape of the mask (one entry per input axis, batch included; `null` = the input's size, 1 = the same
   * draw along that axis). Default: the input's shape (every unit independently).
   */
  readonly noiseShape?: NoiseShape;
}

const KEYS = optionKeys<DropoutOptions>()(['rate', 'noiseShape', ...STOCHASTIC_KEYS]);

/** Validates a dropout rate: in [0, 1). */
export function checkRate(layer: string, rate: unknown): number {
  return checkNumber(`${layer} rate`, rate, { min: 0, below: 1 });
}

/**
 * Inverted dropout (Keras 3 `Dropout`, PyTorch `nn.Dropout`): in training each unit is kept with
 * probability `1 − rate` and scaled by `1/(1 − rate)`, otherwise set to 0:
 *
 *   y = x ⊙ m / (1 − rate),   m ~ Bernoulli(1 − rate)   (training, or MC dropout)
 *   y = x                                                (inference)
 *
 * so `E[y] = x` in both modes. The seed's prose (cells 35–36) describes the other, non-inverted variant
 * — no scaling in training, outputs multiplied by `1 − rate` at inference — while its formula shows the
 * inverted scaling; doing both would shrink inference outputs by `1 − rate`. Either variant alone keeps
 * training and inference expectations equal; Keras, PyTorch and steadygrad scale in training, so
 * inference is the plain network.
 *
 * The mask comes from `ctx.rng` when the call gives one (fit does), else from the layer's own stream
 * ({@link StochasticLayerOptions.seed}). `rate` outside [0, 1) => `INVALID_ARGUMENT`.
 *
 * Combined with SELU, plain dropout breaks self-normalization: use {@link AlphaDropout}
 * ({@link checkDropoutPairings} warns).
 */
export class Dropout extends StochasticLayer {
  readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: NoiseShape | undefined;

  constructor(options: DropoutOptions);
  constructor(rate: number, options?: Omit<DropoutOptions, 'rate'>);
  constructor(rateOrOptions: number | DropoutOptions, maybeOptions: Omit<DropoutOptions, 'rate'> = {}) {
    const options: DropoutOptions =
      typeof rateOrOptions === 'number' ? { ...maybeOptions, rate: rateOrOptions } : rateOrOptions;
    checkOptions('Dropout', options, KEYS);
    super(options);
    const { rate, noiseShape } = options;
    this.rate = checkRate('Dropout', rate);
    this.noiseShape = checkNoiseShapeOption(noiseShape);
  }

  protected isNoOp(): boolean {
    return this.rate === 0;
  }

  /** The mask shape for an input shape. */
  protected maskShape(shape: readonly number[]): number[] {
    return resolveNoiseShape(this.name, this.noiseShape, shape);
  }

  protected noisy(x: Tensor, rng: RandomStream): Tensor {
    const shape = this.maskShape(x.shape);
    const scale = 1 / (1 - this.rate);
    const values = bernoulliMask(sizeOf(shape), this.rate, scale, 0, rng);
    return tf.tidy(() => tf.mul(x, tf.tensor(values, shape, 'float32')));
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    config.rate = this.rate;
    if (this.noiseShape !== undefined) config.noiseShape = [...this.noiseShape];
    return config;
  }
}
