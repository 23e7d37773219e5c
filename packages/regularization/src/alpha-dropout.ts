import { SELU_ALPHA, SELU_SCALE } from '@steadygrad/activations';
import { checkOptions, optionKeys, type RandomStream, type Tensor, tf } from '@steadygrad/core';
import { checkRate } from './dropout.js';
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

/** Options of {@link AlphaDropout} (Keras 3 `keras.layers.AlphaDropout`). */
export interface AlphaDropoutOptions extends StochasticLayerOptions {
  /** Fraction of units to drop, in [0, 1). */
  readonly rate: number;
  /** Mask shape, as for {@link Dropout}. */
  readonly noiseShape?: NoiseShape;
}

const KEYS = optionKeys<AlphaDropoutOptions>()(['rate', 'noiseShape', ...STOCHASTIC_KEYS]);

/** SELU's negative saturation value `α' = −λ·α ≈ −1.7581` (Klambauer et al., 2017). */
export const ALPHA_PRIME = -SELU_SCALE * SELU_ALPHA;

/**
 * The affine correction of alpha dropout for a drop rate `p` (Klambauer et al., 2017; Keras 3):
 * `a = ((1 − p)·(1 + p·α'²))^(−1/2)`, `b = −a·α'·p`, chosen so that inputs of mean 0 and variance 1 keep
 * mean 0 and variance 1 after `x ↦ a·(x·m + α'·(1 − m)) + b`, `m ~ Bernoulli(1 − p)`.
 */
export function alphaDropoutAffine(rate: number): { readonly a: number; readonly b: number } {
  const a = ((1 - rate) * (1 + rate * ALPHA_PRIME * ALPHA_PRIME)) ** -0.5;
  return { a, b: -a * ALPHA_PRIME * rate };
}

/**
 * Alpha dropout (Keras 3 `AlphaDropout`, PyTorch `nn.AlphaDropout`): dropped units are set to SELU's
 * saturation value `α' = −λα` instead of 0, then an affine map restores the moments:
 *
 *   y = a·(x ⊙ m + α'·(1 − m)) + b,   m ~ Bernoulli(1 − rate)   (training, or MC dropout)
 *   y = x                                                       (inference)
 *
 * with `a`, `b` from {@link alphaDropoutAffine}. For standardized inputs (mean 0, variance 1, as SELU
 * networks keep them) the output has mean 0 and variance 1, so SELU's self-normalization survives. The
 * computation is `mul ⊙ (x − α') + (a·α' + b)` with `mul = a·m`: one uploaded tensor per call.
 */
export class AlphaDropout extends StochasticLayer {
  readonly className: string = 'AlphaDropout';
  readonly rate: number;
  readonly noiseShape: NoiseShape | undefined;

  constructor(options: AlphaDropoutOptions);
  constructor(rate: number, options?: Omit<AlphaDropoutOptions, 'rate'>);
  constructor(
    rateOrOptions: number | AlphaDropoutOptions,
    maybeOptions: Omit<AlphaDropoutOptions, 'rate'> = {},
  ) {
    const options: AlphaDropoutOptions =
      typeof rateOrOptions === 'number' ? { ...maybeOptions, rate: rateOrOptions } : rateOrOptions;
    checkOptions('AlphaDropout', options, KEYS);
    super(options);
    const { rate, noiseShape } = options;
    this.rate = checkRate('AlphaDropout', rate);
    this.noiseShape = checkNoiseShapeOption(noiseShape);
  }

  protected isNoOp(): boolean {
    return this.rate === 0;
  }

  protected noisy(x: Tensor, rng: RandomStream): Tensor {
    const shape = resolveNoiseShape(this.name, this.noiseShape, x.shape);
    const { a, b } = alphaDropoutAffine(this.rate);
    const values = bernoulliMask(sizeOf(shape), this.rate, a, 0, rng);
    return tf.tidy(() =>
      tf.add(tf.mul(tf.tensor(values, shape, 'float32'), tf.sub(x, ALPHA_PRIME)), a * ALPHA_PRIME + b),
    );
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    config.rate = this.rate;
    if (this.noiseShape !== undefined) config.noiseShape = [...this.noiseShape];
    return config;
  }
}
