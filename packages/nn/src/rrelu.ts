import { RRELU_DEFAULT_LOWER, RRELU_DEFAULT_UPPER, rreluApply } from '@steadygrad/activations';
import { checkNumber, checkOptions, optionKeys, SteadygradError, type Tensor } from '@steadygrad/core';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions } from './layer.js';

/** Options of {@link RReLU} (PyTorch `nn.RReLU`; Keras has no such layer). */
export interface RReLUOptions extends LayerOptions {
  /** Lower bound of the random slope (default 1/8, PyTorch). */
  readonly lower?: number;
  /** Upper bound of the random slope (default 1/3, PyTorch). */
  readonly upper?: number;
}

const KEYS = optionKeys<RReLUOptions>()(['lower', 'upper', ...LAYER_KEYS]);

/**
 * Randomized leaky ReLU as a layer (PyTorch `nn.RReLU`; Keras has none): `y = x` for x > 0, `a·x` for
 * x <= 0, with `a ~ U(lower, upper)` drawn per element in training (from `ctx.rng`, so a seeded run is
 * reproducible) and `a = (lower + upper) / 2` at inference. No parameters. Computation and gradients:
 * `rreluApply` from `@steadygrad/activations`.
 */
export class RReLU extends Layer {
  readonly className: string = 'RReLU';
  readonly lower: number;
  readonly upper: number;

  constructor(options: RReLUOptions = {}) {
    checkOptions('RReLU', options, KEYS);
    super(options);
    const { lower = RRELU_DEFAULT_LOWER, upper = RRELU_DEFAULT_UPPER } = options;
    this.lower = checkNumber('lower', lower, { min: 0 });
    this.upper = checkNumber('upper', upper, { min: lower });
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const { training, rng } = ctx;
    if (training && rng === undefined) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `layer '${this.name}' (RReLU) draws random slopes in training: call it with ctx.rng (a RandomStream), or with training: false`,
        { details: { layer: this.name } },
      );
    }
    return rreluApply(x, { lower: this.lower, upper: this.upper, training, rng });
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), lower: this.lower, upper: this.upper };
  }
}
