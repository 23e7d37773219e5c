import {
  type Constraint,
  checkNumber,
  checkOptions,
  type Initializer,
  optionKeys,
  type Parameter,
  type RandomStream,
  type Regularizer,
  registerGradients,
  SteadygradError,
  type Tensor,
} from '@steadygrad/core';
import { type BatchNormRowsOptions, batchNormHostAvailable } from '@steadygrad/core/kernels';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { getInitializer } from '@steadygrad/initializers';
import {
  type CallContext,
  type FusionRule,
  LAYER_KEYS,
  Layer,
  type LayerOptions,
  type Shape,
} from '@steadygrad/nn';
import { resolveAxis } from './axes.js';
import { batchNormImplementation, batchNormTrainingFor } from './batch-norm-implementation.js';
import { batchNormInference } from './batch-norm-ops.js';
import { batchNormDenseRule } from './bn-dense-rule.js';
import {
  AFFINE_KEYS,
  type AffineOptions,
  affineCloneOptions,
  affineConfig,
  checkFlag,
  createParameter,
} from './feature-params.js';

const RULES: readonly FusionRule[] = [batchNormDenseRule];

/** Options of {@link BatchNormalization} (Keras 3 names and defaults). */
export interface BatchNormalizationOptions extends LayerOptions, AffineOptions {
  /** The feature axis (default `-1`, channels last). Statistics are taken over every other axis. */
  readonly axis?: number;
  /** Keras momentum m in `moving ← moving·m + batch·(1 − m)`, in [0, 1) (default 0.99). PyTorch: 1 − m. */
  readonly momentum?: number;
  /** Added to the variance before the square root, ≥ 0 (default 1e-3; PyTorch's default is 1e-5). */
  readonly epsilon?: number;
  readonly movingMeanInitializer?: InitializerNameLike | Initializer;
  readonly movingVarianceInitializer?: InitializerNameLike | Initializer;
}

const KEYS = optionKeys<BatchNormalizationOptions>()([
  'axis',
  'momentum',
  'epsilon',
  'movingMeanInitializer',
  'movingVarianceInitializer',
  ...LAYER_KEYS,
  ...AFFINE_KEYS,
]);

/**
 * Batch normalization with Keras 3 semantics (`keras.layers.BatchNormalization`).
 *
 * Training (`ctx.training` true AND the layer trainable), per feature c over all other axes (n values):
 * `μ_B = mean(x)`, `σ²_B = mean((x − μ_B)²)` (biased), `y = γ·(x − μ_B)/√(σ²_B + ε) + β`, and the moving
 * statistics are updated as `moving_mean ← moving_mean·m + μ_B·(1 − m)`,
 * `moving_variance ← moving_variance·m + σ²_B·(1 − m)` — Keras 3 uses the biased batch variance here too
 * (its `call` feeds `ops.moments`' variance to both).
 *
 * Inference (otherwise): `y = γ·(x − moving_mean)/√(moving_variance + ε) + β`.
 *
 * A frozen layer (`trainable = false`) always runs in inference mode and never changes its moving
 * statistics, as in Keras (tfjs-layers keeps using batch statistics there — a bug we do not copy).
 *
 * Parameters, in Keras order: `${name}/gamma`, `${name}/beta` (trainable, when `scale`/`center`),
 * `${name}/moving_mean`, `${name}/moving_variance` (non-trainable: no optimizer touches them; only this layer
 * assigns them, outside the gradient tape). PyTorch's `BatchNorm*d` differs in momentum sense, epsilon and the
 * running-variance estimator: see `fromPyTorchBatchNorm`.
 */
export class BatchNormalization extends Layer {
  readonly className: string = 'BatchNormalization';
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly initializers: {
    readonly beta: Initializer;
    readonly gamma: Initializer;
    readonly movingMean: Initializer;
    readonly movingVariance: Initializer;
  };
  private readonly regularizers: { readonly beta?: Regularizer; readonly gamma?: Regularizer };
  private readonly constraints: { readonly beta?: Constraint; readonly gamma?: Constraint };
  private _gamma: Parameter | undefined;
  private _beta: Parameter | undefined;
  private _movingMean: Parameter | undefined;
  private _movingVariance: Parameter | undefined;
  private _resolvedAxis = -1;

  constructor(options: BatchNormalizationOptions = {}) {
    checkOptions('BatchNormalization', options, KEYS);
    super(options);
    const {
      axis = -1,
      momentum = 0.99,
      epsilon = 1e-3,
      center = true,
      scale = true,
      betaInitializer = 'zeros',
      gammaInitializer = 'ones',
      movingMeanInitializer = 'zeros',
      movingVarianceInitializer = 'ones',
      betaRegularizer,
      gammaRegularizer,
      betaConstraint,
      gammaConstraint,
    } = options;
    this.axis = checkNumber('BatchNormalization axis', axis, { integer: true });
    this.momentum = checkNumber('BatchNormalization momentum', momentum, { min: 0, below: 1 });
    this.epsilon = checkNumber('BatchNormalization epsilon', epsilon, { min: 0 });
    this.center = checkFlag('BatchNormalization center', center);
    this.scale = checkFlag('BatchNormalization scale', scale);
    this.initializers = {
      beta: getInitializer(betaInitializer),
      gamma: getInitializer(gammaInitializer),
      movingMean: getInitializer(movingMeanInitializer),
      movingVariance: getInitializer(movingVarianceInitializer),
    };
    this.regularizers = { beta: betaRegularizer, gamma: gammaRegularizer };
    this.constraints = { beta: betaConstraint, gamma: gammaConstraint };
  }

  /** γ, when `scale` is on and the layer is built. */
  get gamma(): Parameter | undefined {
    return this._gamma;
  }

  /** β, when `center` is on and the layer is built. */
  get beta(): Parameter | undefined {
    return this._beta;
  }

  /** The moving mean (non-trainable). Throws `NOT_BUILT` before the layer is built. */
  get movingMean(): Parameter {
    return this.requireBuilt(this._movingMean);
  }

  /** The moving variance (non-trainable, biased-variance average). Throws `NOT_BUILT` before building. */
  get movingVariance(): Parameter {
    return this.requireBuilt(this._movingVariance);
  }

  private requireBuilt(p: Parameter | undefined): Parameter {
    if (p === undefined) {
      throw new SteadygradError(
        'NOT_BUILT',
        `layer '${this.name}' (BatchNormalization) is not built yet: its moving statistics do not exist`,
      );
    }
    return p;
  }

  /** Number of features (the size of the normalized axis), once built. */
  get features(): number | undefined {
    return this._movingMean?.shape[0];
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    if (this.built) {
      throw new SteadygradError('INVALID_ARGUMENT', `layer '${this.name}' is already built`);
    }
    const axis = resolveAxis(this.axis, inputShape.length, this.name);
    const c = inputShape[axis];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 1) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (BatchNormalization) needs a known size on axis ${this.axis}, got input shape [${inputShape.map((d) => (d === null ? 'None' : d))}]`,
      );
    }
    this._resolvedAxis = axis;
    const add = this.addParameter.bind(this);
    if (this.scale) {
      this._gamma = createParameter(add, 'gamma', this.initializers.gamma, [c], rng, {
        regularizer: this.regularizers.gamma,
        constraint: this.constraints.gamma,
      });
    }
    if (this.center) {
      this._beta = createParameter(add, 'beta', this.initializers.beta, [c], rng, {
        regularizer: this.regularizers.beta,
        constraint: this.constraints.beta,
      });
    }
    this._movingMean = createParameter(add, 'moving_mean', this.initializers.movingMean, [c], rng, {
      trainable: false,
    });
    this._movingVariance = createParameter(
      add,
      'moving_variance',
      this.initializers.movingVariance,
      [c],
      rng,
      {
        trainable: false,
      },
    );
    super.build(inputShape, rng);
  }

  /** Accepts any input of the built rank whose feature axis has the built size (Keras' `InputSpec`). */
  protected override checkInputShape(shape: readonly number[]): void {
    const expected = this.buildInputShape;
    if (expected === undefined) return;
    const axis = this._resolvedAxis;
    const c = expected[axis] as number;
    if (shape.length !== expected.length) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (BatchNormalization) was built for inputs of rank ${expected.length} with ${c} features on axis ${this.axis}, got an input of shape [${shape}] (rank ${shape.length})`,
        { details: { layer: this.name, expectedRank: expected.length, features: c, got: [...shape] } },
      );
    }
    if (shape[axis] !== c) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (BatchNormalization) was built for ${c} features on axis ${this.axis}, got an input of shape [${shape}] with ${shape[axis]} features there`,
        { details: { layer: this.name, features: c, got: [...shape] } },
      );
    }
  }

  /**
   * Training mode only when `ctx.training` is true AND the layer is trainable (Keras: a frozen BN normalizes
   * with its moving statistics and leaves them unchanged).
   */
  call(x: Tensor, ctx: CallContext): Tensor {
    this.checkInputShape(x.shape);
    registerGradients();
    const movingMean = this.movingMean;
    const movingVariance = this.movingVariance;
    const gamma = this._gamma?.variable;
    const beta = this._beta?.variable;
    const axis = this._resolvedAxis;
    if (ctx.training && this.trainable) {
      const options = {
        axis,
        epsilon: this.epsilon,
        gamma,
        beta,
        moving: { mean: movingMean.variable, variance: movingVariance.variable, momentum: this.momentum },
      };
      return batchNormTrainingFor(this, x, options);
    }
    return batchNormInference(x, {
      axis,
      epsilon: this.epsilon,
      gamma,
      beta,
      mean: movingMean.variable,
      variance: movingVariance.variable,
    });
  }

  /** BatchNormalization → Dense ({@link batchNormDenseRule}): a following Dense layer can run this layer's math. */
  override get fusionRules(): readonly FusionRule[] {
    return RULES;
  }

  /**
   * @internal For {@link batchNormDenseRule}: after the checks `apply` makes, what this layer's call on `x`
   * normalizes with, when that call is a training-mode batch normalization of a rank-2 float32 batch over its
   * rows by the layer's own op on a backend with host kernels (features on the last axis, not frozen); else
   * `undefined`.
   */
  rowsTraining(x: Tensor, ctx: CallContext): BatchNormRowsOptions | undefined {
    if (
      !ctx.training ||
      !this.trainable ||
      batchNormImplementation(this) !== 'fused' ||
      x.rank !== 2 ||
      x.dtype !== 'float32' ||
      !batchNormHostAvailable()
    ) {
      return undefined;
    }
    this.checkApply(x);
    if (this._resolvedAxis !== 1) return undefined;
    registerGradients();
    return {
      epsilon: this.epsilon,
      gamma: this._gamma?.variable,
      beta: this._beta?.variable,
      moving: {
        mean: this.movingMean.variable,
        variance: this.movingVariance.variable,
        momentum: this.momentum,
      },
    };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.initializers.beta.name,
      gammaInitializer: this.initializers.gamma.name,
      movingMeanInitializer: this.initializers.movingMean.name,
      movingVarianceInitializer: this.initializers.movingVariance.name,
      ...affineConfig(this.regularizers, this.constraints),
    };
  }

  /** {@link getConfig} with the initializer, regularizer and constraint objects themselves (for clones). */
  override cloneOptions(): Record<string, unknown> {
    return affineCloneOptions(this.getConfig(), this.initializers, this.regularizers, this.constraints, {
      movingMeanInitializer: this.initializers.movingMean,
      movingVarianceInitializer: this.initializers.movingVariance,
    });
  }
}
