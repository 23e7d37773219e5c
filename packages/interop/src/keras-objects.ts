import { elu, gelu, getActivation } from '@steadygrad/activations';
import type { Activation, Constraint, Initializer, Regularizer } from '@steadygrad/core';
import { SteadygradError } from '@steadygrad/core';
import {
  INITIALIZER_CLASS_NAMES,
  initializerFromConfig,
  initializerNameOfClass,
} from '@steadygrad/initializers';
import { l1, l1l2, l2, maxNorm, minMaxNorm, nonNeg, unitNorm } from '@steadygrad/regularization';
import type { KerasObject } from './keras-format.js';

/**
 * Conversions between steadygrad's activations, initializers, regularizers and constraints and their
 * Keras / tfjs-layers serialization. Every mapping is an explicit table: nothing is looked up by a name
 * taken from a file except through `Object.hasOwn` on these tables, and nothing is ever evaluated.
 */

const own = <T extends object>(table: T, key: string): key is Extract<keyof T, string> =>
  Object.hasOwn(table, key);

function incompatible(
  where: string,
  message: string,
  details: Record<string, unknown> = {},
): SteadygradError {
  return new SteadygradError('INCOMPATIBLE', `${where}: ${message}`, { details: { where, ...details } });
}

function corrupt(where: string, message: string, details: Record<string, unknown> = {}): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', `${where}: ${message}`, { details: { where, ...details } });
}

// ---------- activations ----------

/** tfjs-layers activation names whose functions equal steadygrad's (to float32 precision, tested). */
const ACTIVATIONS_OUT: Readonly<
  Record<string, (config: Readonly<Record<string, unknown>>) => string | undefined>
> = {
  linear: () => 'linear',
  relu: () => 'relu',
  relu6: () => 'relu6',
  elu: (c) => (c.alpha === 1 || c.alpha === undefined ? 'elu' : undefined),
  selu: () => 'selu',
  // tfjs-layers writes the tanh approximation as 'gelu_new' but cannot read that name back (it looks up
  // 'geluNew'), so only the exact GELU is saved; 'gelu_new' is still read (see ACTIVATIONS_IN).
  gelu: (c) => (c.approximate === true ? undefined : 'gelu'),
  swish: () => 'swish',
  silu: () => 'swish',
  mish: () => 'mish',
  softplus: () => 'softplus',
  sigmoid: () => 'sigmoid',
  tanh: () => 'tanh',
  softmax: (c) => (c.axis === -1 || c.axis === undefined ? 'softmax' : undefined),
};

/** Activation → the tfjs-layers name. Activations tfjs-layers cannot express exactly are `INCOMPATIBLE`. */
export function activationToKeras(activation: Activation, where: string): string {
  const f = own(ACTIVATIONS_OUT, activation.name) ? ACTIVATIONS_OUT[activation.name] : undefined;
  const name = f?.(activation.config);
  if (name === undefined) {
    const why =
      activation.name === 'hard_sigmoid'
        ? "tfjs-layers' hard_sigmoid is the Keras 2 clip(0.2x + 0.5, 0, 1), not Keras 3's relu6(x + 3)/6"
        : activation.name === 'gelu'
          ? "tfjs-layers cannot load its own name for the tanh-approximated GELU ('gelu_new' is looked up as 'geluNew'); use gelu({ approximate: false })"
          : activation.name === 'leaky_relu'
            ? 'tfjs-layers has no leaky_relu activation (only a LeakyReLU layer)'
            : `tfjs-layers has no activation equal to ${activation.name} ${JSON.stringify(activation.config)}`;
    throw incompatible(where, `activation '${activation.name}' cannot be saved: ${why}`, {
      activation: activation.name,
      config: { ...activation.config },
      supported: Object.keys(ACTIVATIONS_OUT),
    });
  }
  return name;
}

const ACTIVATIONS_IN: Readonly<Record<string, () => Activation>> = {
  linear: () => getActivation('linear'),
  relu: () => getActivation('relu'),
  relu6: () => getActivation('relu6'),
  elu: () => elu({ alpha: 1 }),
  selu: () => getActivation('selu'),
  gelu: () => gelu({ approximate: false }),
  gelu_new: () => gelu({ approximate: true }),
  swish: () => getActivation('swish'),
  silu: () => getActivation('silu'),
  mish: () => getActivation('mish'),
  softplus: () => getActivation('softplus'),
  sigmoid: () => getActivation('sigmoid'),
  tanh: () => getActivation('tanh'),
  softmax: () => getActivation('softmax'),
};

/** A tfjs-layers / Keras activation (a name, or Keras 3's `{ class_name, config }`) → steadygrad. */
export function activationFromKeras(value: unknown, where: string): Activation {
  if (value === undefined || value === null) return getActivation('linear');
  let name = value;
  if (typeof value === 'object' && value !== null && typeof (value as KerasObject).class_name === 'string') {
    name = (value as KerasObject).class_name;
  }
  if (typeof name !== 'string')
    throw corrupt(where, `activation must be a string, got ${JSON.stringify(value)}`);
  if (!own(ACTIVATIONS_IN, name)) {
    const why =
      name === 'hard_sigmoid' || name === 'hardSigmoid'
        ? " (tfjs-layers' hard_sigmoid is clip(0.2x + 0.5, 0, 1), steadygrad's is Keras 3's relu6(x + 3)/6)"
        : '';
    throw incompatible(
      where,
      `unsupported activation '${name}'${why}; supported: ${Object.keys(ACTIVATIONS_IN).join(', ')}`,
      {
        activation: name,
      },
    );
  }
  return ACTIVATIONS_IN[name]!();
}

// ---------- initializers ----------

/**
 * The named variance-scaling schemes: written as the `VarianceScaling` they are (tfjs-layers 4.22 has no
 * LecunNormal class).
 */
const VARIANCE_SCALING_SCHEMES: ReadonlySet<string> = new Set([
  'glorot_uniform',
  'glorot_normal',
  'he_normal',
  'he_uniform',
  'lecun_normal',
  'lecun_uniform',
]);

const MODE_OUT: Readonly<Record<string, string>> = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' };
const DISTRIBUTION_OUT: Readonly<Record<string, string>> = {
  truncatedNormal: 'truncated_normal',
  uniform: 'uniform',
};

/**
 * Initializer → Keras. Initializers only matter for a fresh initialization (loading replaces the values),
 * but they are saved exactly or not at all: Keras 3's `untruncated_normal` variance scaling, which
 * tfjs-layers rejects, is `INCOMPATIBLE`.
 */
export function initializerToKeras(init: Initializer | string, where: string): KerasObject {
  const name = typeof init === 'string' ? init : init.name;
  const config: Readonly<Record<string, unknown>> =
    typeof init === 'string'
      ? VARIANCE_SCALING_SCHEMES.has(init)
        ? initializerFromConfig(init).config
        : {}
      : init.config;
  if (name === 'zeros' || name === 'ones') return { class_name: INITIALIZER_CLASS_NAMES[name], config: {} };
  const scheme: string = VARIANCE_SCALING_SCHEMES.has(name) ? 'variance_scaling' : name;
  switch (scheme) {
    case 'constant':
      return { class_name: 'Constant', config: { value: config.value ?? 0 } };
    case 'random_normal':
      return {
        class_name: 'RandomNormal',
        config: { mean: config.mean ?? 0, stddev: config.stddev ?? 0.05, seed: null },
      };
    case 'random_uniform':
      return {
        class_name: 'RandomUniform',
        config: { minval: config.minval ?? -0.05, maxval: config.maxval ?? 0.05, seed: null },
      };
    case 'truncated_normal':
      return {
        class_name: 'TruncatedNormal',
        config: { mean: config.mean ?? 0, stddev: config.stddev ?? 0.05, seed: null },
      };
    case 'orthogonal':
      return { class_name: 'Orthogonal', config: { gain: config.gain ?? 1, seed: null } };
    case 'identity':
      return { class_name: 'Identity', config: { gain: config.gain ?? 1 } };
    case 'variance_scaling': {
      const mode = String(config.mode ?? 'fanIn');
      const distribution = String(config.distribution ?? 'truncatedNormal');
      if (!own(MODE_OUT, mode) || !own(DISTRIBUTION_OUT, distribution)) {
        throw incompatible(
          where,
          `variance scaling with mode '${mode}' and distribution '${distribution}' cannot be saved: tfjs-layers knows fan_in/fan_out/fan_avg with truncated_normal or uniform`,
          { initializer: name, config: { ...config } },
        );
      }
      return {
        class_name: 'VarianceScaling',
        config: {
          scale: config.scale ?? 1,
          mode: MODE_OUT[mode],
          distribution: DISTRIBUTION_OUT[distribution],
          seed: null,
        },
      };
    }
    default:
      throw incompatible(where, `initializer '${name}' has no tfjs-layers equivalent`, { initializer: name });
  }
}

const MODE_IN: Readonly<Record<string, string>> = {
  fan_in: 'fanIn',
  fan_out: 'fanOut',
  fan_avg: 'fanAvg',
  fanIn: 'fanIn',
  fanOut: 'fanOut',
  fanAvg: 'fanAvg',
};
// Keras 2 and tfjs-layers' 'normal' is a truncated normal (Keras 3 renamed it 'truncated_normal').
const DISTRIBUTION_IN: Readonly<Record<string, string>> = {
  normal: 'truncatedNormal',
  truncated_normal: 'truncatedNormal',
  truncatedNormal: 'truncatedNormal',
  untruncated_normal: 'untruncatedNormal',
  uniform: 'uniform',
};

/** Keras initializer (`{ class_name, config }` or a name) → steadygrad; unknown ones are `INCOMPATIBLE`. */
export function initializerFromKeras(value: unknown, where: string): Initializer | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = typeof value === 'string' ? { class_name: value, config: {} } : (value as KerasObject);
  if (typeof obj !== 'object' || typeof obj.class_name !== 'string') {
    throw corrupt(where, `initializer must be { class_name, config }, got ${JSON.stringify(value)}`);
  }
  const c = (typeof obj.config === 'object' && obj.config !== null ? obj.config : {}) as Record<
    string,
    unknown
  >;
  const name = initializerNameOfClass(obj.class_name);
  if (name === undefined) {
    throw incompatible(
      where,
      `unsupported initializer '${obj.class_name}'; supported: ${Object.values(INITIALIZER_CLASS_NAMES).join(', ')}`,
      {
        initializer: obj.class_name,
      },
    );
  }
  const config: Record<string, unknown> = {};
  for (const key of ['value', 'mean', 'stddev', 'minval', 'maxval', 'gain', 'scale'])
    if (c[key] !== undefined && c[key] !== null) config[key] = c[key];
  if (name === 'variance_scaling') {
    const mode = String(c.mode ?? 'fan_in');
    const distribution = String(c.distribution ?? 'truncated_normal');
    if (!own(MODE_IN, mode) || !own(DISTRIBUTION_IN, distribution)) {
      throw incompatible(
        where,
        `unsupported VarianceScaling mode '${mode}' / distribution '${distribution}'`,
      );
    }
    config.mode = MODE_IN[mode];
    config.distribution = DISTRIBUTION_IN[distribution];
  }
  try {
    return initializerFromConfig(name, config);
  } catch (e) {
    throw corrupt(where, `bad ${obj.class_name} config ${JSON.stringify(c)}: ${(e as Error).message}`);
  }
}

// ---------- regularizers ----------

/** Regularizer → Keras `L1L2` (tfjs-layers writes and reads every weight penalty as L1L2). */
export function regularizerToKeras(r: Regularizer | undefined, where: string): KerasObject | null {
  if (r === undefined) return null;
  const c = r.config as { l1?: number; l2?: number };
  switch (r.name) {
    case 'l1':
      return { class_name: 'L1L2', config: { l1: c.l1 ?? 0, l2: 0 } };
    case 'l2':
      return { class_name: 'L1L2', config: { l1: 0, l2: c.l2 ?? 0 } };
    case 'l1_l2':
      return { class_name: 'L1L2', config: { l1: c.l1 ?? 0, l2: c.l2 ?? 0 } };
    default:
      throw incompatible(
        where,
        `regularizer '${r.name}' has no tfjs-layers equivalent (supported: l1, l2, l1_l2)`,
        { regularizer: r.name },
      );
  }
}

function factor(where: string, v: unknown, key: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw corrupt(where, `regularizer ${key} must be a finite number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

/** Keras `L1L2` / `L1` / `L2` → steadygrad (l1, l2 or l1l2 as the non-zero factors say). */
export function regularizerFromKeras(value: unknown, where: string): Regularizer | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = value as KerasObject;
  if (typeof obj !== 'object' || typeof obj.class_name !== 'string')
    throw corrupt(where, `regularizer must be { class_name, config }, got ${JSON.stringify(value)}`);
  const c = (obj.config ?? {}) as Record<string, unknown>;
  if (!['L1L2', 'L1', 'L2', 'l1_l2', 'l1', 'l2'].includes(obj.class_name)) {
    throw incompatible(where, `unsupported regularizer '${obj.class_name}' (supported: L1L2, L1, L2)`, {
      regularizer: obj.class_name,
    });
  }
  const a = factor(where, c.l1, 'l1');
  const b = factor(where, c.l2, 'l2');
  if (obj.class_name === 'L1' || obj.class_name === 'l1') return l1(a);
  if (obj.class_name === 'L2' || obj.class_name === 'l2') return l2(b);
  if (a > 0 && b === 0) return l1(a);
  if (b > 0 && a === 0) return l2(b);
  return l1l2({ l1: a, l2: b });
}

// ---------- constraints ----------

/** Constraint → Keras (`MaxNorm`, `UnitNorm`, `NonNeg`, `MinMaxNorm`). */
export function constraintToKeras(c: Constraint | undefined, where: string): KerasObject | null {
  if (c === undefined) return null;
  const k = c.config as Record<string, unknown>;
  switch (c.name) {
    case 'max_norm':
      return { class_name: 'MaxNorm', config: { max_value: k.maxValue, axis: k.axis } };
    case 'unit_norm':
      return { class_name: 'UnitNorm', config: { axis: k.axis } };
    case 'non_neg':
      return { class_name: 'NonNeg', config: {} };
    case 'min_max_norm':
      return {
        class_name: 'MinMaxNorm',
        config: { min_value: k.minValue, max_value: k.maxValue, rate: k.rate, axis: k.axis },
      };
    default:
      throw incompatible(
        where,
        `constraint '${c.name}' has no tfjs-layers equivalent (supported: max_norm, unit_norm, non_neg, min_max_norm)`,
        { constraint: c.name },
      );
  }
}

/** Keras constraint → steadygrad. */
export function constraintFromKeras(value: unknown, where: string): Constraint | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = value as KerasObject;
  if (typeof obj !== 'object' || typeof obj.class_name !== 'string')
    throw corrupt(where, `constraint must be { class_name, config }, got ${JSON.stringify(value)}`);
  const c = (obj.config ?? {}) as Record<string, unknown>;
  const axis = (c.axis ?? 0) as number | number[];
  try {
    switch (obj.class_name) {
      case 'MaxNorm':
      case 'max_norm':
      case 'maxNorm':
        return maxNorm((c.max_value ?? 2) as number, { axis });
      case 'UnitNorm':
      case 'unit_norm':
      case 'unitNorm':
        return unitNorm({ axis });
      case 'NonNeg':
      case 'non_neg':
      case 'nonNeg':
        return nonNeg();
      case 'MinMaxNorm':
      case 'min_max_norm':
      case 'minMaxNorm':
        return minMaxNorm({
          minValue: (c.min_value ?? 0) as number,
          maxValue: (c.max_value ?? 1) as number,
          rate: (c.rate ?? 1) as number,
          axis,
        });
      default:
        break;
    }
  } catch (e) {
    throw corrupt(where, `bad ${obj.class_name} config ${JSON.stringify(c)}: ${(e as Error).message}`);
  }
  throw incompatible(
    where,
    `unsupported constraint '${obj.class_name}' (supported: MaxNorm, UnitNorm, NonNeg, MinMaxNorm)`,
    { constraint: obj.class_name },
  );
}
