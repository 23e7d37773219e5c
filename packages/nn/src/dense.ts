import type { ActivationNameLike } from '@steadygrad/activations';
import { getActivation, linear, relu } from '@steadygrad/activations';
import {
  type Activation,
  type Constraint,
  checkNumber,
  checkOptions,
  type Initializer,
  optionKeys,
  type Parameter,
  type RandomStream,
  type Regularizer,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import {
  type AffineActivation,
  affineActivationFor,
  denseForward,
  type FusedActivation,
} from '@steadygrad/core/kernels';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { getInitializer } from '@steadygrad/initializers';
import { checkWeightSize } from './check-weight-size.js';
import { describeObject } from './describe-object.js';
import { type CallContext, formatShape, LAYER_KEYS, Layer, type LayerOptions, type Shape } from './layer.js';

/** Options of {@link Dense} (Keras 3 `keras.layers.Dense`, camelCased). */
export interface DenseOptions extends LayerOptions {
  /** Number of output units (positive integer). */
  readonly units: number;
  /** A Keras name (`'relu'`, `'softmax'`, ...) or an `Activation`; default linear (none). */
  readonly activation?: ActivationNameLike | Activation;
  /** Whether to add a bias vector (default `true`). */
  readonly useBias?: boolean;
  /** Default `'glorot_uniform'` (Keras). */
  readonly kernelInitializer?: InitializerNameLike | Initializer;
  /** Default `'zeros'` (Keras). */
  readonly biasInitializer?: InitializerNameLike | Initializer;
  readonly kernelRegularizer?: Regularizer;
  readonly biasRegularizer?: Regularizer;
  /**
   * Penalty on the layer's output (after the activation), pushed into `ctx.losses` on each call that
   * provides it. Keras 3 convention: the penalty of the whole batch output, not divided by the batch size
   * (tf.keras 2 divided it by the batch size).
   */
  readonly activityRegularizer?: Regularizer;
  readonly kernelConstraint?: Constraint;
  readonly biasConstraint?: Constraint;
}

const DENSE_KEYS = optionKeys<DenseOptions>()([
  'units',
  'activation',
  'useBias',
  'kernelInitializer',
  'biasInitializer',
  'kernelRegularizer',
  'biasRegularizer',
  'activityRegularizer',
  'kernelConstraint',
  'biasConstraint',
  ...LAYER_KEYS,
]);

/**
 * A densely connected layer (Keras `Dense`): `y = activation(x · W + b)` with kernel `W` of shape
 * `[inputDim, units]` and bias `b` of shape `[units]`, applied to the last axis of the input (inputs of
 * rank > 2 are flattened to `[-1, inputDim]` and reshaped back, as in Keras).
 *
 * Defaults (Keras 3): no activation, `useBias = true`, kernel `glorot_uniform`, bias `zeros`. PyTorch's
 * `nn.Linear` stores the kernel transposed (`[units, inputDim]`) and initializes both kernel and bias
 * from U(±1/√inputDim) (Kaiming-uniform with a = √5); transpose PyTorch weights when copying them here.
 *
 * Forward and backward live in core's kernels (`@steadygrad/core/kernels`, `kernels/dense/dense-op.ts`): one fused matmul + bias (+ relu) forward and a
 * hand-written backward with explicit transposes (`dX = dZ·Wᵀ`, `dW = Xᵀ·dZ`, `db = Σ dZ`); activations
 * other than relu/linear are applied after it with their own gradients.
 *
 * Parameters: `${name}/kernel`, then `${name}/bias` (Keras order).
 *
 * `new Dense(300, { activation: 'relu' })` reads like Keras' `Dense(300, activation="relu")`;
 * `new Dense({ units: 300, activation: 'relu' })` is the same layer.
 */
export class Dense extends Layer {
  readonly className: string = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | undefined;
  readonly biasRegularizer: Regularizer | undefined;
  readonly activityRegularizer: Regularizer | undefined;
  readonly kernelConstraint: Constraint | undefined;
  readonly biasConstraint: Constraint | undefined;

  private _kernel: Parameter | undefined;
  private _bias: Parameter | undefined;
  private readonly fused: FusedActivation;
  private readonly post: Activation | undefined;

  constructor(options: DenseOptions);
  constructor(units: number, options?: Omit<DenseOptions, 'units'>);
  constructor(unitsOrOptions: number | DenseOptions, maybeOptions: Omit<DenseOptions, 'units'> = {}) {
    const options: DenseOptions =
      typeof unitsOrOptions === 'number' ? { ...maybeOptions, units: unitsOrOptions } : unitsOrOptions;
    checkOptions('Dense', options, DENSE_KEYS);
    super(options);
    const {
      units,
      activation,
      useBias = true,
      kernelInitializer = 'glorot_uniform',
      biasInitializer = 'zeros',
      kernelRegularizer,
      biasRegularizer,
      activityRegularizer,
      kernelConstraint,
      biasConstraint,
    } = options;
    this.units = checkNumber('units', units, { min: 1, integer: true });
    if (typeof useBias !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `useBias must be a boolean, got ${JSON.stringify(useBias)}`,
      );
    }
    this.useBias = useBias;
    this.activation = getActivation(activation);
    this.kernelInitializer = getInitializer(kernelInitializer);
    this.biasInitializer = getInitializer(biasInitializer);
    this.kernelRegularizer = kernelRegularizer;
    this.biasRegularizer = biasRegularizer;
    this.activityRegularizer = activityRegularizer;
    this.kernelConstraint = kernelConstraint;
    this.biasConstraint = biasConstraint;
    if (this.activation === relu) {
      this.fused = 'relu';
      this.post = undefined;
    } else {
      this.fused = 'linear';
      this.post = this.activation === linear ? undefined : this.activation;
    }
  }

  /** The kernel parameter `[inputDim, units]` (after build). */
  get kernel(): Parameter {
    if (this._kernel === undefined) throw this.notBuilt('kernel');
    return this._kernel;
  }

  /** The bias parameter `[units]` (after build, when `useBias`). */
  get bias(): Parameter | undefined {
    if (!this.built) throw this.notBuilt('bias');
    return this._bias;
  }

  private notBuilt(what: string): SteadygradError {
    return new SteadygradError('NOT_BUILT', `layer '${this.name}' (Dense) has no ${what} until it is built`);
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    const inputDim = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof inputDim !== 'number') {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (Dense) needs an input of rank >= 2 with a known last axis, got ${formatShape(inputShape)}`,
        { details: { layer: this.name, got: [...inputShape] } },
      );
    }
    checkWeightSize(this.name, 'kernel', [inputDim, this.units]);
    const kernelRng = rng.fork();
    const biasRng = rng.fork();
    const kernel = this.kernelInitializer.init([inputDim, this.units], kernelRng);
    try {
      this._kernel = this.addParameter('kernel', kernel, {
        regularizer: this.kernelRegularizer,
        constraint: this.kernelConstraint,
      });
    } finally {
      kernel.dispose();
    }
    if (this.useBias) {
      const bias = this.biasInitializer.init([this.units], biasRng);
      try {
        this._bias = this.addParameter('bias', bias, {
          regularizer: this.biasRegularizer,
          constraint: this.biasConstraint,
        });
      } finally {
        bias.dispose();
      }
    }
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape.slice(0, -1), this.units];
  }

  /** Accepts any input of the built rank whose last axis is the built input size (Keras' InputSpec). */
  protected override checkInputShape(shape: readonly number[]): void {
    const expected = this.buildInputShape;
    if (expected === undefined) return;
    if (shape.length !== expected.length || shape[shape.length - 1] !== expected[expected.length - 1]) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (Dense) expects input shape ${formatShape(expected)}, got [${shape.join(', ')}]`,
        { details: { layer: this.name, expected: [...expected], got: [...shape] } },
      );
    }
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const kernel = this.kernel.variable;
    const bias = this._bias?.variable;
    const y = tf.tidy(() => {
      const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
      if (input.rank === 2) return denseForward(input, kernel, bias, this.fused, this.post);
      const flat = tf.reshape(input, [-1, kernel.shape[0] as number]);
      const out = denseForward(flat, kernel, bias, this.fused, this.post);
      return tf.reshape(out, [...input.shape.slice(0, -1), this.units]);
    });
    if (this.activityRegularizer !== undefined && ctx.losses !== undefined) {
      ctx.losses.push(this.activityRegularizer.penalty(y));
    }
    return y;
  }

  /**
   * The activation this layer's affine op runs inside its own kernel on the active backend (`'linear'`,
   * `'relu'`, or `'softmax'` where the host kernels have it), or `undefined` when the activation runs after
   * it. What a fusion rule that ends in a Dense layer needs to run the layer's math inside its own op
   * (normalization's BatchNormalization → Dense: `affineForward` and its gradient parts, with
   * {@link kernel}, {@link bias} and {@link activityRegularizer}).
   */
  get affineActivation(): AffineActivation | undefined {
    return affineActivationFor(this.fused, this.post);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: describeObject(this.kernelInitializer),
      biasInitializer: describeObject(this.biasInitializer),
      kernelRegularizer: describeObject(this.kernelRegularizer),
      biasRegularizer: describeObject(this.biasRegularizer),
      activityRegularizer: describeObject(this.activityRegularizer),
      kernelConstraint: describeObject(this.kernelConstraint),
      biasConstraint: describeObject(this.biasConstraint),
    };
  }

  /** {@link getConfig} with the activation, initializer, regularizer and constraint objects themselves. */
  override cloneOptions(): Record<string, unknown> {
    return {
      ...this.getConfig(),
      activation: this.activation,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
      kernelRegularizer: this.kernelRegularizer,
      biasRegularizer: this.biasRegularizer,
      activityRegularizer: this.activityRegularizer,
      kernelConstraint: this.kernelConstraint,
      biasConstraint: this.biasConstraint,
    };
  }
}
