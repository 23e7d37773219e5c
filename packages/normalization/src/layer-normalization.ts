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
  tf,
} from '@steadygrad/core';
import { getInitializer } from '@steadygrad/initializers';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions, type Shape } from '@steadygrad/nn';
import { broadcastShape } from './axes.js';
import {
  AFFINE_KEYS,
  type AffineOptions,
  affineCloneOptions,
  affineConfig,
  checkAxisOption,
  checkFeatureShape,
  checkFlag,
  createParameter,
  resolveFeatureAxes,
} from './feature-params.js';

/** Options of {@link LayerNormalization} (Keras 3 names and defaults). */
export interface LayerNormalizationOptions extends LayerOptions, AffineOptions {
  /** The axis or axes to normalize over (default `-1`); γ and β span them. */
  readonly axis?: number | readonly number[];
  /** Added to the variance, ≥ 0 (default 1e-3 as Keras 3; PyTorch `nn.LayerNorm` uses 1e-5). */
  readonly epsilon?: number;
}

const KEYS = optionKeys<LayerNormalizationOptions>()(['axis', 'epsilon', ...LAYER_KEYS, ...AFFINE_KEYS]);

/**
 * Layer normalization (Ba et al. 2016; Keras 3 `keras.layers.LayerNormalization`), the same in training and
 * inference. For each sample, over the k values on `axis`:
 * `μ = mean(x)`, `σ² = mean((x − μ)²)` (biased), `y = γ·(x − μ)/√(σ² + ε) + β`, with γ, β of the shape of
 * those axes (`${name}/gamma`, `${name}/beta`). PyTorch `nn.LayerNorm(normalized_shape, eps=1e-5)` computes
 * the same with ε = 1e-5 over the trailing `normalized_shape` axes.
 */
export class LayerNormalization extends Layer {
  readonly className: string = 'LayerNormalization';
  readonly axis: readonly number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly inits: { readonly beta: Initializer; readonly gamma: Initializer };
  private readonly regs: { readonly beta?: Regularizer; readonly gamma?: Regularizer };
  private readonly cons: { readonly beta?: Constraint; readonly gamma?: Constraint };
  private _gamma: Parameter | undefined;
  private _beta: Parameter | undefined;
  private _axes: number[] = [];
  private _dims: number[] = [];
  private _paramShape: number[] = [];

  constructor(options: LayerNormalizationOptions = {}) {
    checkOptions('LayerNormalization', options, KEYS);
    super(options);
    const {
      axis = -1,
      epsilon = 1e-3,
      center = true,
      scale = true,
      betaInitializer = 'zeros',
      gammaInitializer = 'ones',
      betaRegularizer,
      gammaRegularizer,
      betaConstraint,
      gammaConstraint,
    } = options;
    this.axis = checkAxisOption('LayerNormalization', axis);
    this.epsilon = checkNumber('LayerNormalization epsilon', epsilon, { min: 0 });
    this.center = checkFlag('LayerNormalization center', center);
    this.scale = checkFlag('LayerNormalization scale', scale);
    this.inits = { beta: getInitializer(betaInitializer), gamma: getInitializer(gammaInitializer) };
    this.regs = { beta: betaRegularizer, gamma: gammaRegularizer };
    this.cons = { beta: betaConstraint, gamma: gammaConstraint };
  }

  get gamma(): Parameter | undefined {
    return this._gamma;
  }

  get beta(): Parameter | undefined {
    return this._beta;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    if (this.built) throw new SteadygradError('INVALID_ARGUMENT', `layer '${this.name}' is already built`);
    const { axes, dims } = resolveFeatureAxes(this.axis, inputShape, this.name);
    this._axes = axes;
    this._dims = dims;
    this._paramShape = broadcastShape(inputShape.length, axes, dims);
    const add = this.addParameter.bind(this);
    if (this.scale) {
      this._gamma = createParameter(add, 'gamma', this.inits.gamma, dims, rng, {
        regularizer: this.regs.gamma,
        constraint: this.cons.gamma,
      });
    }
    if (this.center) {
      this._beta = createParameter(add, 'beta', this.inits.beta, dims, rng, {
        regularizer: this.regs.beta,
        constraint: this.cons.beta,
      });
    }
    super.build(inputShape, rng);
  }

  protected override checkInputShape(shape: readonly number[]): void {
    const built = this.buildInputShape;
    if (built === undefined) return;
    checkFeatureShape(this.name, this.className, shape, built.length, this._axes, this._dims);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    this.checkInputShape(x.shape);
    registerGradients();
    return tf.tidy(() => {
      // (x − μ)·(γ/√(σ² + ε)) + β: centring first avoids Keras' x·s − μ·s cancellation for large |μ|/σ.
      const { mean, variance } = tf.moments(x, this._axes, true);
      let s: Tensor = tf.rsqrt(tf.add(variance, tf.scalar(this.epsilon)));
      if (this._gamma !== undefined) s = tf.mul(s, tf.reshape(this._gamma.variable, this._paramShape));
      const y = tf.mul(tf.sub(x, mean), s);
      return this._beta === undefined ? y : tf.add(y, tf.reshape(this._beta.variable, this._paramShape));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis.length === 1 ? this.axis[0] : [...this.axis],
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.inits.beta.name,
      gammaInitializer: this.inits.gamma.name,
      ...affineConfig(this.regs, this.cons),
    };
  }

  /** {@link getConfig} with the initializer, regularizer and constraint objects themselves (for clones). */
  override cloneOptions(): Record<string, unknown> {
    return affineCloneOptions(this.getConfig(), this.inits, this.regs, this.cons);
  }
}
