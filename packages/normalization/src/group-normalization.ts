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
import { broadcastShape, otherAxes, resolveAxis } from './axes.js';
import {
  AFFINE_KEYS,
  type AffineOptions,
  affineCloneOptions,
  affineConfig,
  checkFeatureShape,
  checkFlag,
  createParameter,
} from './feature-params.js';

/** Options of {@link GroupNormalization} (Keras 3 names and defaults). */
export interface GroupNormalizationOptions extends LayerOptions, AffineOptions {
  /** Number of channel groups (default 32); must divide the channel count. `-1` = one group per channel. */
  readonly groups?: number;
  /** The channel axis (default `-1`, channels last). */
  readonly axis?: number;
  /** Added to the variance, ≥ 0 (default 1e-3 as Keras 3; PyTorch `nn.GroupNorm` uses 1e-5). */
  readonly epsilon?: number;
}

const KEYS = optionKeys<GroupNormalizationOptions>()([
  'groups',
  'axis',
  'epsilon',
  ...LAYER_KEYS,
  ...AFFINE_KEYS,
]);

/**
 * Group normalization (Wu & He 2018; Keras 3 `keras.layers.GroupNormalization`; tfjs has none). The C
 * channels are split into `groups` consecutive groups of C/G; for each sample and group, over its channels
 * and all spatial positions: `μ = mean(x)`, `σ² = mean((x − μ)²)` (biased),
 * `y = γ_c·(x − μ)/√(σ² + ε) + β_c` with per-channel γ, β (`${name}/gamma`, `${name}/beta`). `groups = 1`
 * normalizes each sample over everything (like layer normalization with per-channel γ/β); `groups = C` is
 * instance normalization. Same grouping as PyTorch `nn.GroupNorm(num_groups, num_channels, eps=1e-5)`, which
 * takes channels first.
 */
export class GroupNormalization extends Layer {
  readonly className: string = 'GroupNormalization';
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly groupsOption: number;
  private readonly inits: { readonly beta: Initializer; readonly gamma: Initializer };
  private readonly regs: { readonly beta?: Regularizer; readonly gamma?: Regularizer };
  private readonly cons: { readonly beta?: Constraint; readonly gamma?: Constraint };
  private _gamma: Parameter | undefined;
  private _beta: Parameter | undefined;
  private _groups = 0;
  private _axis = -1;
  private _channels = 0;

  constructor(options: GroupNormalizationOptions = {}) {
    checkOptions('GroupNormalization', options, KEYS);
    super(options);
    const {
      groups = 32,
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
    if (groups !== -1) checkNumber('GroupNormalization groups', groups, { integer: true, min: 1 });
    this.groupsOption = groups;
    this.axis = checkNumber('GroupNormalization axis', axis, { integer: true });
    this.epsilon = checkNumber('GroupNormalization epsilon', epsilon, { min: 0 });
    this.center = checkFlag('GroupNormalization center', center);
    this.scale = checkFlag('GroupNormalization scale', scale);
    this.inits = { beta: getInitializer(betaInitializer), gamma: getInitializer(gammaInitializer) };
    this.regs = { beta: betaRegularizer, gamma: gammaRegularizer };
    this.cons = { beta: betaConstraint, gamma: gammaConstraint };
  }

  /** The number of groups (resolved from `-1` once built). */
  get groups(): number {
    return this.built ? this._groups : this.groupsOption;
  }

  get gamma(): Parameter | undefined {
    return this._gamma;
  }

  get beta(): Parameter | undefined {
    return this._beta;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    if (this.built) throw new SteadygradError('INVALID_ARGUMENT', `layer '${this.name}' is already built`);
    const axis = resolveAxis(this.axis, inputShape.length, this.name);
    const c = inputShape[axis];
    if (typeof c !== 'number') {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' needs a known channel count on axis ${this.axis}`,
      );
    }
    const groups = this.groupsOption === -1 ? c : this.groupsOption;
    if (groups > c || c % groups !== 0) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `layer '${this.name}' (GroupNormalization): groups must divide the ${c} channels on axis ${this.axis} (and be at most ${c}), got groups = ${groups}`,
        { details: { layer: this.name, groups, channels: c } },
      );
    }
    this._axis = axis;
    this._channels = c;
    this._groups = groups;
    const add = this.addParameter.bind(this);
    if (this.scale) {
      this._gamma = createParameter(add, 'gamma', this.inits.gamma, [c], rng, {
        regularizer: this.regs.gamma,
        constraint: this.cons.gamma,
      });
    }
    if (this.center) {
      this._beta = createParameter(add, 'beta', this.inits.beta, [c], rng, {
        regularizer: this.regs.beta,
        constraint: this.cons.beta,
      });
    }
    super.build(inputShape, rng);
  }

  protected override checkInputShape(shape: readonly number[]): void {
    const built = this.buildInputShape;
    if (built === undefined) return;
    checkFeatureShape(this.name, this.className, shape, built.length, [this._axis], [this._channels]);
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    this.checkInputShape(x.shape);
    registerGradients();
    const axis = this._axis;
    const g = this._groups;
    // [..., C, ...] → [..., G, C/G, ...]; statistics over everything but the batch axis and the group axis.
    const grouped = [...x.shape.slice(0, axis), g, this._channels / g, ...x.shape.slice(axis + 1)];
    const reduce = otherAxes(grouped.length, [0, axis]);
    const paramShape = broadcastShape(x.rank, [axis], [this._channels]);
    return tf.tidy(() => {
      const xg = tf.reshape(x, grouped);
      const { mean, variance } = tf.moments(xg, reduce, true);
      const xn = tf.reshape(
        tf.mul(tf.sub(xg, mean), tf.rsqrt(tf.add(variance, tf.scalar(this.epsilon)))),
        x.shape,
      );
      const scaled =
        this._gamma === undefined ? xn : tf.mul(xn, tf.reshape(this._gamma.variable, paramShape));
      return this._beta === undefined ? scaled : tf.add(scaled, tf.reshape(this._beta.variable, paramShape));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      groups: this.groupsOption,
      axis: this.axis,
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
