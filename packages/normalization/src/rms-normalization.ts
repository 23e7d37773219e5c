import {
  checkNumber,
  checkOptions,
  optionKeys,
  type Parameter,
  type RandomStream,
  registerGradients,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { ones } from '@steadygrad/initializers';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions, type Shape } from '@steadygrad/nn';
import { broadcastShape } from './axes.js';
import { checkAxisOption, checkFeatureShape, createParameter, resolveFeatureAxes } from './feature-params.js';

/** Options of {@link RMSNormalization} (Keras 3 names and defaults). */
export interface RMSNormalizationOptions extends LayerOptions {
  /** The axis or axes to normalize over (default `-1`). */
  readonly axis?: number | readonly number[];
  /** Added to the mean square, ≥ 0 (default 1e-6 as Keras 3). */
  readonly epsilon?: number;
}

const KEYS = optionKeys<RMSNormalizationOptions>()(['axis', 'epsilon', ...LAYER_KEYS]);

/**
 * Root-mean-square normalization (Zhang & Sennrich 2019; Keras 3 `keras.layers.RMSNormalization`; tfjs has
 * none): `y = x / √(mean(x²) + ε) · scale` over `axis`, with a trainable per-feature `${name}/scale`
 * initialized to ones. No centring and no offset. (PyTorch ≥ 2.4 `nn.RMSNorm` is the same with
 * ε defaulting to the dtype's machine epsilon.)
 */
export class RMSNormalization extends Layer {
  readonly className: string = 'RMSNormalization';
  readonly axis: readonly number[];
  readonly epsilon: number;
  private _scale: Parameter | undefined;
  private _axes: number[] = [];
  private _dims: number[] = [];
  private _paramShape: number[] = [];

  constructor(options: RMSNormalizationOptions = {}) {
    checkOptions('RMSNormalization', options, KEYS);
    super(options);
    const { axis = -1, epsilon = 1e-6 } = options;
    this.axis = checkAxisOption('RMSNormalization', axis);
    this.epsilon = checkNumber('RMSNormalization epsilon', epsilon, { min: 0 });
  }

  /** The learned per-feature scale, once built. */
  get scale(): Parameter | undefined {
    return this._scale;
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    if (this.built) throw new SteadygradError('INVALID_ARGUMENT', `layer '${this.name}' is already built`);
    const { axes, dims } = resolveFeatureAxes(this.axis, inputShape, this.name);
    this._axes = axes;
    this._dims = dims;
    this._paramShape = broadcastShape(inputShape.length, axes, dims);
    this._scale = createParameter(this.addParameter.bind(this), 'scale', ones(), dims, rng);
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
    const scale = this._scale as Parameter;
    return tf.tidy(() => {
      const inv = tf.rsqrt(tf.add(tf.mean(tf.square(x), this._axes, true), tf.scalar(this.epsilon)));
      return tf.mul(tf.mul(x, inv), tf.reshape(scale.variable, this._paramShape));
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis.length === 1 ? this.axis[0] : [...this.axis],
      epsilon: this.epsilon,
    };
  }
}
