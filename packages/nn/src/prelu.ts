import { preluApply } from '@steadygrad/activations';
import {
  type Constraint,
  checkOptions,
  type Initializer,
  optionKeys,
  type Parameter,
  type RandomStream,
  type Regularizer,
  SteadygradError,
  type Tensor,
} from '@steadygrad/core';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { getInitializer } from '@steadygrad/initializers';
import { describeObject } from './describe-object.js';
import { type CallContext, formatShape, LAYER_KEYS, Layer, type LayerOptions, type Shape } from './layer.js';

/** Options of {@link PReLU} (Keras 3 `keras.layers.PReLU`, camelCased). */
export interface PReLUOptions extends LayerOptions {
  /** Initializer of the slopes; default `'zeros'` (Keras). PyTorch initializes them to 0.25. */
  readonly alphaInitializer?: InitializerNameLike | Initializer;
  readonly alphaRegularizer?: Regularizer;
  readonly alphaConstraint?: Constraint;
  /**
   * Axes (of the full input, batch axis = 0, so ≥ 1) along which one slope is shared, e.g. `[1, 2]` for
   * one slope per channel of an NHWC image. Default: none (one slope per input unit).
   */
  readonly sharedAxes?: readonly number[];
}

const KEYS = optionKeys<PReLUOptions>()([
  'alphaInitializer',
  'alphaRegularizer',
  'alphaConstraint',
  'sharedAxes',
  ...LAYER_KEYS,
]);

/**
 * Parametric ReLU as a layer (Keras `PReLU`): `y = x` for x > 0, `alpha·x` for x <= 0, with a learnable
 * slope per input unit: `alpha.shape = inputShape without the batch axis`, with size 1 along `sharedAxes`.
 * Keras initializes `alpha` to zeros (a plain ReLU at first); PyTorch's `nn.PReLU` uses one slope
 * (or one per channel, axis 1) initialized to 0.25. Computation and gradients: `preluApply` from
 * `@steadygrad/activations` (`dalpha = Σ dy·x` over x <= 0). Parameter: `${name}/alpha`.
 */
export class PReLU extends Layer {
  readonly className: string = 'PReLU';
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: Regularizer | undefined;
  readonly alphaConstraint: Constraint | undefined;
  readonly sharedAxes: readonly number[];
  private _alpha: Parameter | undefined;

  constructor(options: PReLUOptions = {}) {
    checkOptions('PReLU', options, KEYS);
    super(options);
    const { alphaInitializer = 'zeros', alphaRegularizer, alphaConstraint, sharedAxes = [] } = options;
    if (!Array.isArray(sharedAxes) || sharedAxes.some((a) => !Number.isInteger(a) || a < 1)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `sharedAxes must be an array of integers >= 1 (axes of the input; 0 is the batch axis), got ${JSON.stringify(sharedAxes)}`,
      );
    }
    this.alphaInitializer = getInitializer(alphaInitializer);
    this.alphaRegularizer = alphaRegularizer;
    this.alphaConstraint = alphaConstraint;
    this.sharedAxes = Object.freeze([...sharedAxes]);
  }

  /** The slopes (after build). */
  get alpha(): Parameter {
    if (this._alpha === undefined) {
      throw new SteadygradError('NOT_BUILT', `layer '${this.name}' (PReLU) has no alpha until it is built`);
    }
    return this._alpha;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    const paramShape = inputShape.slice(1);
    for (const axis of this.sharedAxes) {
      if (axis >= inputShape.length) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `layer '${this.name}' (PReLU): shared axis ${axis} is out of range for input shape ${formatShape(inputShape)}`,
        );
      }
      paramShape[axis - 1] = 1;
    }
    if (paramShape.some((d) => d === null)) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (PReLU) needs every non-shared axis known, got ${formatShape(inputShape)}`,
      );
    }
    const initial = this.alphaInitializer.init(paramShape as number[], rng.fork());
    try {
      this._alpha = this.addParameter('alpha', initial, {
        regularizer: this.alphaRegularizer,
        constraint: this.alphaConstraint,
      });
    } finally {
      initial.dispose();
    }
    super.build(inputShape, rng);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    return preluApply(x, this.alpha.variable);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alphaInitializer: describeObject(this.alphaInitializer),
      alphaRegularizer: describeObject(this.alphaRegularizer),
      alphaConstraint: describeObject(this.alphaConstraint),
      sharedAxes: [...this.sharedAxes],
    };
  }

  /** {@link getConfig} with the initializer, regularizer and constraint objects themselves. */
  override cloneOptions(): Record<string, unknown> {
    return {
      ...this.getConfig(),
      alphaInitializer: this.alphaInitializer,
      alphaRegularizer: this.alphaRegularizer,
      alphaConstraint: this.alphaConstraint,
    };
  }
}
