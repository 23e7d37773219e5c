import { checkNumber, checkOptions, optionKeys, type RandomStream, type Tensor, tf } from '@steadygrad/core';
import { STOCHASTIC_KEYS, StochasticLayer, type StochasticLayerOptions } from './stochastic-layer.js';

/** Options of {@link GaussianNoise} (Keras 3 `keras.layers.GaussianNoise`). */
export interface GaussianNoiseOptions extends StochasticLayerOptions {
  /** Standard deviation of the noise, >= 0. */
  readonly stddev: number;
}

const KEYS = optionKeys<GaussianNoiseOptions>()(['stddev', ...STOCHASTIC_KEYS]);

/**
 * Additive Gaussian noise (Keras 3 `GaussianNoise`): `y = x + ε`, `ε ~ N(0, stddev²)` in training (or
 * MC dropout), `y = x` at inference. A regularizer and a cheap data augmentation for real-valued inputs.
 */
export class GaussianNoise extends StochasticLayer {
  readonly className: string = 'GaussianNoise';
  readonly stddev: number;

  constructor(options: GaussianNoiseOptions);
  constructor(stddev: number, options?: Omit<GaussianNoiseOptions, 'stddev'>);
  constructor(
    stddevOrOptions: number | GaussianNoiseOptions,
    maybeOptions: Omit<GaussianNoiseOptions, 'stddev'> = {},
  ) {
    const options: GaussianNoiseOptions =
      typeof stddevOrOptions === 'number' ? { ...maybeOptions, stddev: stddevOrOptions } : stddevOrOptions;
    checkOptions('GaussianNoise', options, KEYS);
    super(options);
    this.stddev = checkNumber('GaussianNoise stddev', options.stddev, { min: 0 });
  }

  protected isNoOp(): boolean {
    return this.stddev === 0;
  }

  protected noisy(x: Tensor, rng: RandomStream): Tensor {
    const noise = rng.fillNormal(x.size, 0, this.stddev);
    return tf.tidy(() => tf.add(x, tf.tensor(noise, x.shape, 'float32')));
  }

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    config.stddev = this.stddev;
    return config;
  }
}
