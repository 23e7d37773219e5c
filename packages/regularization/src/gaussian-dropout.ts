import { checkOptions, optionKeys, type RandomStream, type Tensor, tf } from '@steadygrad/core';
import { checkRate } from './dropout.js';
import { STOCHASTIC_KEYS, StochasticLayer, type StochasticLayerOptions } from './stochastic-layer.js';

/** Options of {@link GaussianDropout} (Keras 3 `keras.layers.GaussianDropout`). */
export interface GaussianDropoutOptions extends StochasticLayerOptions {
  /** Drop probability of the equivalent Bernoulli dropout, in [0, 1). */
  readonly rate: number;
}

const KEYS = optionKeys<GaussianDropoutOptions>()(['rate', ...STOCHASTIC_KEYS]);

/**
 * Gaussian dropout (Keras 3 `GaussianDropout`; Srivastava et al., 2014): multiplicative noise with the
 * mean and variance of inverted Bernoulli dropout,
 *
 *   y = x ⊙ ε,   ε ~ N(1, rate/(1 − rate))   (training, or MC dropout; standard deviation √(rate/(1 − rate)))
 *   y = x                                     (inference)
 *
 * `E[y] = x`. PyTorch has no such layer.
 */
export class GaussianDropout extends StochasticLayer {
  readonly className: string = 'GaussianDropout';
  readonly rate: number;

  constructor(options: GaussianDropoutOptions);
  constructor(rate: number, options?: Omit<GaussianDropoutOptions, 'rate'>);
  constructor(
    rateOrOptions: number | GaussianDropoutOptions,
    maybeOptions: Omit<GaussianDropoutOptions, 'rate'> = {},
  ) {
    const options: GaussianDropoutOptions =
      typeof rateOrOptions === 'number' ? { ...maybeOptions, rate: rateOrOptions } : rateOrOptions;
    checkOptions('GaussianDropout', options, KEYS);
    super(options);
    this.rate = checkRate('GaussianDropout', options.rate);
  }

  protected isNoOp(): boolean {
    return this.rate === 0;
  }

  protected noisy(x: Tensor, rng: RandomStream): Tensor {
    const std = Math.sqrt(this.rate / (1 - this.rate));
    const noise = rng.fillNormal(x.size, 1, std);
    return tf.tidy(() => tf.mul(x, tf.tensor(noise, x.shape, 'float32')));
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    config.rate = this.rate;
    return config;
  }
}
