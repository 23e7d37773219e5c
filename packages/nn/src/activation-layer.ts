import { type ActivationIdentifier, getActivation } from '@steadygrad/activations';
import type { Activation as ActivationFn, Tensor } from '@steadygrad/core';
import { checkOptions, optionKeys } from '@steadygrad/core';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions } from './layer.js';

/** Options of the {@link Activation} layer. */
export interface ActivationOptions extends LayerOptions {
  /** A Keras name (`'elu'`, `'relu'`, ...) or an `Activation` object; undefined is linear. */
  readonly activation?: ActivationIdentifier;
}

const KEYS = optionKeys<ActivationOptions>()(['activation', ...LAYER_KEYS]);

function isOptions(v: unknown): v is ActivationOptions {
  return typeof v === 'object' && v !== null && !('apply' in v);
}

/**
 * Applies an activation function as its own layer (Keras `Activation`), e.g. after a batch-normalized
 * Dense without activation (seed cell 8). No parameters; output shape = input shape.
 *
 * `new Activation('elu')` reads like Keras' `Activation("elu")`; `new Activation({ activation: 'elu' })`
 * is the same layer.
 */
export class Activation extends Layer {
  readonly className: string = 'Activation';
  readonly activation: ActivationFn;

  constructor(activationOrOptions?: ActivationIdentifier | ActivationOptions, options: LayerOptions = {}) {
    const opts: ActivationOptions = isOptions(activationOrOptions)
      ? activationOrOptions
      : { ...options, activation: activationOrOptions };
    checkOptions('Activation', opts, KEYS);
    super(opts);
    this.activation = getActivation(opts.activation);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return this.activation.apply(x);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }

  /** {@link getConfig} with the activation object itself (its own options, e.g. a slope, included). */
  override cloneOptions(): Record<string, unknown> {
    return { ...this.getConfig(), activation: this.activation };
  }
}
