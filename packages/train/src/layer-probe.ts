import {
  checkNumber,
  checkOptions,
  optionKeys,
  RandomStream,
  registerGradients,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
  type Variable,
} from '@steadygrad/core';
import { type CallContext, type Layer, planChain, runChain } from '@steadygrad/nn';
import { getLoss, type LossFunction, type LossLike } from './losses.js';
import { variableGrads } from './variable-grads.js';

/**
 * How a layer's output units are judged inactive:
 * - `'dead'` (ReLU family: `relu`, `relu6`, `leaky_relu`, `LeakyReLU`, `PReLU`, `RReLU`): a unit is dead when
 *   its output is exactly 0 for **every** probe sample (no gradient reaches its weights). With a non-zero
 *   negative slope (leaky ReLU, PReLU with α ≠ 0, RReLU) this is ~0 by construction — the point of them.
 * - `'sigmoid'` (`sigmoid`, `hard_sigmoid`): an output is saturated when `< 0.01` or `> 0.99`
 *   (σ'(z) < 0.0099 there).
 * - `'tanh'`: an output is saturated when `|out| > 0.99` (tanh'(z) < 0.0199 there).
 * - `undefined`: neither (linear, ELU, SELU, GELU, softmax, ...); the fractions are `NaN`.
 */
export type UnitActivityKind = 'dead' | 'sigmoid' | 'tanh';

/** Statistics of one layer on the probe batch. `NaN` marks a value that does not apply. */
export interface LayerStatistics {
  /** The layer's name (`dense_3`). */
  readonly name: string;
  readonly className: string;
  /** Name of the nonlinearity at the layer's output, when it has one (`'relu'`, `'PReLU'`, ...). */
  readonly activation: string | undefined;
  /** How {@link deadFraction} / {@link saturatedFraction} are judged for this layer (see {@link UnitActivityKind}). */
  readonly activityKind: UnitActivityKind | undefined;
  /**
   * `‖∇_θ L‖₂ = sqrt(Σ_p Σ_i (∂L/∂θ_p,i)²)` over the layer's trainable parameters `p` (kernel and bias of a
   * Dense together), where `L` is the probe loss (the data loss, without regularization penalties).
   * `NaN` for a layer without trainable parameters.
   */
  readonly gradientNorm: number;
  /** Mean of all values of the layer's output on the probe batch (over samples and units). */
  readonly activationMean: number;
  /** Population standard deviation (divided by N, not N − 1) of the same values. */
  readonly activationStd: number;
  /** Fraction of output units dead on the whole probe batch (`'dead'` layers), else `NaN`. */
  readonly deadFraction: number;
  /**
   * Fraction of the output values (samples × units) in the saturated range (`'sigmoid'` / `'tanh'` layers),
   * else `NaN`. Per value rather than per unit: a unit saturated on some samples only still passes little
   * gradient for those.
   */
  readonly saturatedFraction: number;
}

/** What {@link probeLayers} measures: the probe loss and one {@link LayerStatistics} per layer. */
export interface LayerProbe {
  readonly loss: number;
  readonly layers: readonly LayerStatistics[];
}

/** Options of `probeLayers`: the probe batch, its loss, and whether it runs in training mode. */
export interface ProbeOptions {
  /** Loss of the probe (a Keras name, a `Loss` or `(yTrue, yPred) => Scalar`). Required by {@link probeLayers}. */
  readonly loss: LossLike;
  /**
   * Run the layers in training mode (dropout active, batch statistics in BatchNormalization). Default
   * `false`: inference mode, so records differ only because the weights changed.
   */
  readonly training?: boolean;
  /** Seed of the layers' randomness when `training` is true (the same masks at every record). Default 0. */
  readonly seed?: number;
}

/** The option keys of {@link ProbeOptions} (the gradient monitor accepts them too). */
export const PROBE_KEYS = optionKeys<ProbeOptions>()(['loss', 'training', 'seed']);

const LAYER_STATS = 5; // gradientNorm, mean, std, dead, saturated

/** The nonlinearity at a layer's output and how to judge its units. */
export function layerActivity(layer: Layer): {
  activation: string | undefined;
  kind: UnitActivityKind | undefined;
} {
  const cls = layer.className;
  if (cls === 'LeakyReLU' || cls === 'PReLU' || cls === 'RReLU') return { activation: cls, kind: 'dead' };
  const act = (layer as { activation?: unknown }).activation;
  const name =
    typeof act === 'object' && act !== null && typeof (act as { name?: unknown }).name === 'string'
      ? (act as { name: string }).name
      : undefined;
  if (name === undefined || name === 'linear') return { activation: undefined, kind: undefined };
  if (name === 'relu' || name === 'relu6' || name === 'leaky_relu') return { activation: name, kind: 'dead' };
  if (name === 'sigmoid' || name === 'hard_sigmoid') return { activation: name, kind: 'sigmoid' };
  if (name === 'tanh') return { activation: name, kind: 'tanh' };
  return { activation: name, kind: undefined };
}

/** `layers` when it is a non-empty array of layers; `INVALID_ARGUMENT` otherwise. */
export function checkLayers(layers: unknown): readonly Layer[] {
  if (
    !Array.isArray(layers) ||
    layers.length === 0 ||
    !layers.every((l) => typeof l === 'object' && l !== null && typeof (l as Layer).apply === 'function')
  ) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'probeLayers needs a non-empty array of layers (e.g. a Sequential model’s `layers`)',
    );
  }
  return layers as readonly Layer[];
}

/**
 * The device half of a probe: runs the layers' execution plan on `x` (nn's `planChain`: the plan a
 * `Sequential` of these layers runs, fused steps included, so the probe measures what `fit` runs), differentiates
 * `loss(y, output)` with respect to every trainable parameter, and returns ONE vector
 * `[loss, (gradientNorm, mean, std, dead, saturated) per layer]` (the caller reads and disposes it).
 */
export function probeVector(
  layers: readonly Layer[],
  x: Tensor,
  y: Tensor,
  loss: LossFunction,
  ctx: CallContext,
): Tensor {
  registerGradients();
  const plan = planChain(layers);
  const vars: Variable[] = [];
  const layerOf = new Map<string, number>();
  layers.forEach((layer, i) => {
    for (const p of layer.trainableParameters) {
      vars.push(p.variable);
      layerOf.set(p.variable.name, i);
    }
  });
  const outputs: Tensor[] = [];
  try {
    return tf.tidy(() => {
      const forward = (): Scalar => {
        // Every layer's output, in order (a fused step's rule hands over its interior ones).
        const h = runChain(plan, x, ctx, outputs);
        for (const o of outputs) tf.keep(o);
        const value = loss(y, h);
        if (value.rank !== 0) {
          throw new SteadygradError(
            'SHAPE_MISMATCH',
            `the probe loss must return a scalar, got shape [${value.shape}]`,
          );
        }
        return value;
      };
      const sq: Tensor[][] = layers.map(() => []);
      let value: Scalar;
      if (vars.length === 0) value = forward();
      else {
        const r = variableGrads(forward, vars);
        value = r.value;
        for (const [name, g] of Object.entries(r.grads)) {
          const i = layerOf.get(name);
          if (g !== null && i !== undefined) sq[i]!.push(tf.sum(tf.square(g)));
        }
      }
      const nan = tf.scalar(Number.NaN);
      const parts: Tensor[] = [tf.reshape(value, [1])];
      layers.forEach((layer, i) => {
        const h = outputs[i]!;
        const squares = sq[i]!;
        const gradNorm = squares.length === 0 ? nan : tf.sqrt(tf.addN(squares));
        const flat = tf.reshape(h.dtype === 'float32' ? h : tf.cast(h, 'float32'), [h.shape[0] ?? 1, -1]);
        const { mean, variance } = tf.moments(flat);
        const { kind } = layerActivity(layer);
        let dead: Tensor = nan;
        let saturated: Tensor = nan;
        if (kind === 'dead') {
          const alive = tf.greater(tf.max(tf.abs(flat), 0), 0);
          dead = tf.sub(1, tf.mean(tf.cast(alive, 'float32')));
        } else if (kind === 'sigmoid') {
          saturated = tf.mean(tf.cast(tf.logicalOr(tf.less(flat, 0.01), tf.greater(flat, 0.99)), 'float32'));
        } else if (kind === 'tanh') {
          saturated = tf.mean(tf.cast(tf.greater(tf.abs(flat), 0.99), 'float32'));
        }
        parts.push(tf.stack([gradNorm, mean, tf.sqrt(variance), dead, saturated]));
      });
      return tf.concat(parts);
    });
  } finally {
    tf.dispose(outputs);
  }
}

/** The {@link LayerProbe} a probe vector's values (see {@link probeVector}) stand for. */
export function decode(layers: readonly Layer[], values: ArrayLike<number>): LayerProbe {
  return {
    loss: values[0]!,
    layers: layers.map((layer, i) => {
      const o = 1 + i * LAYER_STATS;
      const { activation, kind } = layerActivity(layer);
      return {
        name: layer.name,
        className: layer.className,
        activation,
        activityKind: kind,
        gradientNorm: values[o]!,
        activationMean: values[o + 1]!,
        activationStd: values[o + 2]!,
        deadFraction: values[o + 3]!,
        saturatedFraction: values[o + 4]!,
      };
    }),
  };
}

/**
 * Per-layer statistics of a stack of layers on one batch `(x, y)`: for each layer, the gradient norm of its
 * trainable parameters (of `loss(y, output of the last layer)`), the mean and std of its output, and the
 * fraction of dead or saturated units (see {@link LayerStatistics}). The layers run as a `Sequential` of them
 * runs them, through their execution plan (nn's `planChain`: a fused BatchNormalization → Dense pair runs as
 * one op and reports both layers' outputs); they must be built (give a built `Sequential`'s `layers`). All
 * statistics are gathered into one tensor and read back with **one** device read. Nothing is kept on the device.
 */
export async function probeLayers(
  layers: readonly Layer[],
  x: Tensor,
  y: Tensor,
  options: ProbeOptions,
): Promise<LayerProbe> {
  checkOptions('probeLayers', options, PROBE_KEYS);
  const checked = checkLayers(layers);
  const { loss, training = false, seed = 0 } = options;
  if (typeof training !== 'boolean') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `training must be a boolean, got ${JSON.stringify(training)}`,
    );
  }
  checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
  const lossFn = getLoss(loss);
  const ctx: CallContext = training ? { training, rng: new RandomStream(seed) } : { training };
  const vec = probeVector(checked, x, y, lossFn, ctx);
  try {
    return decode(checked, await vec.data());
  } finally {
    vec.dispose();
  }
}
