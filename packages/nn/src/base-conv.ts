import type { ActivationNameLike } from '@steadygrad/activations';
import { getActivation } from '@steadygrad/activations';
import {
  type Activation,
  type Constraint,
  checkBoolean,
  type Initializer,
  type Parameter,
  type RandomStream,
  type Regularizer,
  type Tensor,
  tf,
} from '@steadygrad/core';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { getInitializer } from '@steadygrad/initializers';
import { describeObject } from './describe-object.js';
import { type CallContext, Layer, type LayerOptions } from './layer.js';

/** Options every convolution layer shares (Keras 3 `BaseConv`, camelCased). */
export interface ConvCommonOptions extends LayerOptions {
  /** A Keras name (`'relu'`, ...) or an `Activation`; default linear (none). */
  readonly activation?: ActivationNameLike | Activation;
  /** Whether to add a bias per output channel (default `true`). */
  readonly useBias?: boolean;
  /** Default `'zeros'` (Keras). */
  readonly biasInitializer?: InitializerNameLike | Initializer;
  readonly biasRegularizer?: Regularizer;
  /** Penalty on the layer's output (Keras 3: of the whole batch output), pushed into `ctx.losses`. */
  readonly activityRegularizer?: Regularizer;
  readonly biasConstraint?: Constraint;
}

/** The keys of {@link ConvCommonOptions} (for `checkOptions`). */
export const CONV_COMMON_KEYS = [
  'name',
  'trainable',
  'inputShape',
  'activation',
  'useBias',
  'biasInitializer',
  'biasRegularizer',
  'activityRegularizer',
  'biasConstraint',
] as const;

/**
 * What the convolution layers share: the bias, the activation and the activity regularizer applied after
 * the convolution (`y = activation(conv(x) + b)`), and parameter creation from an initializer.
 * Subclasses implement {@link convolve} and create their kernels in `build` with {@link createParameter}.
 */
export abstract class BaseConv extends Layer {
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly biasInitializer: Initializer;
  readonly biasRegularizer: Regularizer | undefined;
  readonly activityRegularizer: Regularizer | undefined;
  readonly biasConstraint: Constraint | undefined;
  protected biasParameter: Parameter | undefined;

  constructor(options: ConvCommonOptions) {
    super(options);
    const {
      activation,
      useBias = true,
      biasInitializer = 'zeros',
      biasRegularizer,
      activityRegularizer,
      biasConstraint,
    } = options;
    this.activation = getActivation(activation);
    this.useBias = checkBoolean('useBias', useBias);
    this.biasInitializer = getInitializer(biasInitializer);
    this.biasRegularizer = biasRegularizer;
    this.activityRegularizer = activityRegularizer;
    this.biasConstraint = biasConstraint;
  }

  /** The bias parameter `[outChannels]` (after build, when `useBias`). */
  get bias(): Parameter | undefined {
    return this.biasParameter;
  }

  /** Creates parameter `name` of `shape` from `initializer` drawing from `rng`. */
  protected createParameter(
    name: string,
    shape: number[],
    initializer: Initializer,
    rng: RandomStream,
    regularizer: Regularizer | undefined,
    constraint: Constraint | undefined,
  ): Parameter {
    const initial = initializer.init(shape, rng);
    try {
      return this.addParameter(name, initial, { regularizer, constraint });
    } finally {
      initial.dispose();
    }
  }

  /** Creates the bias `[channels]` when `useBias` (Keras order: after the kernels). */
  protected createBias(channels: number, rng: RandomStream): void {
    if (!this.useBias) return;
    this.biasParameter = this.createParameter(
      'bias',
      [channels],
      this.biasInitializer,
      rng,
      this.biasRegularizer,
      this.biasConstraint,
    );
  }

  /** The convolution itself, on a float32 input of the built rank. */
  protected abstract convolve(x: Tensor): Tensor;

  call(x: Tensor, ctx: CallContext): Tensor {
    const y = tf.tidy(() => {
      const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      const z = this.convolve(input);
      const bias = this.biasParameter?.variable;
      return this.activation.apply(bias === undefined ? z : tf.add(z, bias));
    });
    if (this.activityRegularizer !== undefined && ctx.losses !== undefined) {
      ctx.losses.push(this.activityRegularizer.penalty(y));
    }
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      activation: this.activation.name,
      useBias: this.useBias,
      biasInitializer: describeObject(this.biasInitializer),
      biasRegularizer: describeObject(this.biasRegularizer),
      activityRegularizer: describeObject(this.activityRegularizer),
      biasConstraint: describeObject(this.biasConstraint),
    };
  }

  override cloneOptions(): Record<string, unknown> {
    return {
      ...this.getConfig(),
      activation: this.activation,
      biasInitializer: this.biasInitializer,
      biasRegularizer: this.biasRegularizer,
      activityRegularizer: this.activityRegularizer,
      biasConstraint: this.biasConstraint,
    };
  }
}
