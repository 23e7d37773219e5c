import { LEAKY_RELU_DEFAULT_ALPHA, leakyRelu } from '@steadygrad/activations';
import type { Activation as ActivationFn, Tensor } from '@steadygrad/core';
import { checkOptions, optionKeys } from '@steadygrad/core';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions } from './layer.js';

/** Options of {@link LeakyReLU}. */
export interface LeakyReLUOptions extends LayerOptions {
  /** Slope for x <= 0 (Keras 3 `negative_slope`, formerly `alpha`), `>= 0`. Default 0.3 (the Keras 3 layer). */
  readonly alpha?: number;
}

const KEYS = optionKeys<LeakyReLUOptions>()(['alpha', ...LAYER_KEYS]);

/**
 * Leaky ReLU as a layer (Keras `LeakyReLU`, seed cell 3): `y = x` for x > 0, `alpha·x` otherwise. The
 * default slope is the Keras 3 layer's 0.3 (PyTorch `nn.LeakyReLU`: 0.01); seed cell 3 passes 0.2.
 * No parameters. The same as `new Activation(leakyRelu({ alpha }))`, under the Keras layer name.
 */
export class LeakyReLU extends Layer {
  readonly className: string = 'LeakyReLU';
  readonly alpha: number;
  private readonly fn: ActivationFn;

  constructor(options: LeakyReLUOptions = {}) {
    checkOptions('LeakyReLU', options, KEYS);
    super(options);
    const { alpha = LEAKY_RELU_DEFAULT_ALPHA } = options;
    this.fn = leakyRelu({ alpha });
    this.alpha = alpha;
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return this.fn.apply(x);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }
}
