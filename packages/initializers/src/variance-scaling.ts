import {
  checkNumber,
  checkOptions,
  type Initializer,
  optionKeys,
  SteadygradError,
  tf,
} from '@steadygrad/core';
import { computeFans } from './compute-fans.js';
import { makeInitializer } from './make-initializer.js';
import { checkShape, shapeSize } from './shape.js';
import { TRUNCATED_NORMAL_STD_RATIO } from './truncated-normal.js';

/** Which fan divides the scale. */
export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** `FanMode` or its Keras spelling. */
export type FanModeInput = FanMode | 'fan_in' | 'fan_out' | 'fan_avg';

/** The distribution the weights are drawn from. */
export type VarianceScalingDistribution = 'truncatedNormal' | 'untruncatedNormal' | 'uniform';
/**
 * `VarianceScalingDistribution` or its Keras spelling. `'normal'` is the Keras 2 / tfjs-layers alias of the
 * truncated normal (Keras 3 no longer accepts it); we accept it and draw a (corrected) truncated normal.
 */
export type VarianceScalingDistributionInput =
  | VarianceScalingDistribution
  | 'truncated_normal'
  | 'untruncated_normal'
  | 'normal';

/**
 * Options of `varianceScaling` (Keras 3 `VarianceScaling`, with camelCase modes): the scale, the fan it divides
 * by and the distribution.
 */
export interface VarianceScalingOptions {
  /** Scale factor, > 0; default 1. */
  readonly scale?: number;
  /** Default `'fanIn'`. */
  readonly mode?: FanModeInput;
  /** Default `'truncatedNormal'`. */
  readonly distribution?: VarianceScalingDistributionInput;
}

const KEYS = optionKeys<VarianceScalingOptions>()(['scale', 'mode', 'distribution']);

/** Canonical (camelCase) fan modes. */
export const FAN_MODES: readonly FanMode[] = Object.freeze(['fanIn', 'fanOut', 'fanAvg']);
/** Canonical (camelCase) distributions. */
export const VARIANCE_SCALING_DISTRIBUTIONS: readonly VarianceScalingDistribution[] = Object.freeze([
  'truncatedNormal',
  'untruncatedNormal',
  'uniform',
]);

const MODE_SPELLINGS: Readonly<Record<string, FanMode>> = {
  fanIn: 'fanIn',
  fanOut: 'fanOut',
  fanAvg: 'fanAvg',
  fan_in: 'fanIn',
  fan_out: 'fanOut',
  fan_avg: 'fanAvg',
};

const DISTRIBUTION_SPELLINGS: Readonly<Record<string, VarianceScalingDistribution>> = {
  truncatedNormal: 'truncatedNormal',
  untruncatedNormal: 'untruncatedNormal',
  uniform: 'uniform',
  truncated_normal: 'truncatedNormal',
  untruncated_normal: 'untruncatedNormal',
  normal: 'truncatedNormal',
};

/** Resolves a fan mode in either spelling; unknown => `INVALID_ARGUMENT` listing the valid spellings. */
export function normalizeFanMode(mode: unknown): FanMode {
  const m =
    typeof mode === 'string' && Object.hasOwn(MODE_SPELLINGS, mode) ? MODE_SPELLINGS[mode] : undefined;
  if (m === undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `varianceScaling mode must be one of ${Object.keys(MODE_SPELLINGS)
        .map((k) => `'${k}'`)
        .join(', ')}, got ${JSON.stringify(mode)}`,
      { details: { name: 'mode', value: mode, allowed: Object.keys(MODE_SPELLINGS) } },
    );
  }
  return m;
}

/** Resolves a distribution in either spelling; unknown => `INVALID_ARGUMENT` listing the valid spellings. */
export function normalizeDistribution(distribution: unknown): VarianceScalingDistribution {
  const d =
    typeof distribution === 'string' && Object.hasOwn(DISTRIBUTION_SPELLINGS, distribution)
      ? DISTRIBUTION_SPELLINGS[distribution]
      : undefined;
  if (d === undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `varianceScaling distribution must be one of ${Object.keys(DISTRIBUTION_SPELLINGS)
        .map((k) => `'${k}'`)
        .join(', ')}, got ${JSON.stringify(distribution)}`,
      {
        details: { name: 'distribution', value: distribution, allowed: Object.keys(DISTRIBUTION_SPELLINGS) },
      },
    );
  }
  return d;
}

/** What a variance-scaling initializer draws for one shape. */
export interface VarianceScalingStats {
  readonly fanIn: number;
  readonly fanOut: number;
  /** The fan the mode selects (`fanAvg = (fanIn + fanOut) / 2`), floored at 1 as in Keras. */
  readonly fan: number;
  /** Target variance of every weight: `scale / fan`. */
  readonly variance: number;
  /**
   * The parameter of the distribution actually sampled: the pre-truncation std `sqrt(variance) / 0.8796…`
   * (truncated normal), the std `sqrt(variance)` (untruncated normal) or the limit `sqrt(3·variance)` (uniform).
   */
  readonly parameter: number;
  /** Largest possible |weight|: `2·parameter` (truncated), `parameter` (uniform), `Infinity` (untruncated). */
  readonly bound: number;
}

/**
 * The numbers behind {@link varianceScaling} for one shape (Keras 3 semantics). With `fan` chosen by `mode`
 * and `variance = scale / max(1, fan)`:
 *
 * - `'truncatedNormal'`: normal with std `σ' = sqrt(variance) / 0.87962566103423978`, re-drawn outside `±2σ'`,
 *   so the variance after truncation is exactly `variance`;
 * - `'untruncatedNormal'`: normal with std `sqrt(variance)`;
 * - `'uniform'`: `U[−limit, limit)` with `limit = sqrt(3·variance)`.
 */
export function varianceScalingStats(
  shape: readonly number[],
  options: VarianceScalingOptions = {},
): VarianceScalingStats {
  const { scale = 1, mode = 'fanIn', distribution = 'truncatedNormal' } = options;
  checkNumber('varianceScaling scale', scale, { above: 0 });
  const m = normalizeFanMode(mode);
  const d = normalizeDistribution(distribution);
  const { fanIn, fanOut } = computeFans(checkShape('variance_scaling', shape));
  const raw = m === 'fanIn' ? fanIn : m === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
  const fan = Math.max(1, raw);
  const variance = scale / fan;
  if (d === 'truncatedNormal') {
    const parameter = Math.sqrt(variance) / TRUNCATED_NORMAL_STD_RATIO;
    return { fanIn, fanOut, fan, variance, parameter, bound: 2 * parameter };
  }
  if (d === 'untruncatedNormal') {
    return { fanIn, fanOut, fan, variance, parameter: Math.sqrt(variance), bound: Number.POSITIVE_INFINITY };
  }
  const limit = Math.sqrt(3 * variance);
  return { fanIn, fanOut, fan, variance, parameter: limit, bound: limit };
}

/** Shared by {@link varianceScaling} and the named schemes (which only change the name). */
export function varianceScalingNamed(name: string, options: VarianceScalingOptions): Initializer {
  const { scale = 1, mode = 'fanIn', distribution = 'truncatedNormal' } = options;
  checkNumber('varianceScaling scale', scale, { above: 0 });
  const config = { scale, mode: normalizeFanMode(mode), distribution: normalizeDistribution(distribution) };
  return makeInitializer(name, config, (shape, rng) => {
    const { parameter } = varianceScalingStats(shape, config);
    const n = shapeSize(shape);
    const values =
      config.distribution === 'truncatedNormal'
        ? rng.fillTruncatedNormal(n, 0, parameter)
        : config.distribution === 'untruncatedNormal'
          ? rng.fillNormal(n, 0, parameter)
          : rng.fillUniform(n, -parameter, parameter);
    return tf.tensor(values, shape, 'float32');
  });
}

/**
 * Variance scaling (Keras 3 `VarianceScaling(scale=1.0, mode="fan_in", distribution="truncated_normal")`):
 * zero-mean weights with variance `scale / fan`, see {@link varianceScalingStats} for the exact draws.
 * Modes and distributions accept the camelCase and the Keras snake_case spellings.
 *
 * Seed cell 2 (He init for sigmoid-like layers with fan_avg):
 * `varianceScaling({ scale: 2, mode: 'fanAvg', distribution: 'uniform' })`.
 *
 * Differences: tfjs-layers draws the truncated normal without the 0.8796 correction (variance 0.774× too
 * small) and its `'truncated_normal'` distribution draws a uniform; PyTorch has no variance-scaling
 * initializer, its `kaiming_*`/`xavier_*` draw untruncated normals or uniforms (see the README).
 */
export function varianceScaling(options: VarianceScalingOptions = {}): Initializer {
  checkOptions('varianceScaling', options, KEYS);
  return varianceScalingNamed('variance_scaling', options);
}
