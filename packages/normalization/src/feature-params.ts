import {
  type Constraint,
  type Initializer,
  optionKeys,
  type Parameter,
  type RandomStream,
  type Regularizer,
  SteadygradError,
  type Tensor,
} from '@steadygrad/core';
import type { InitializerNameLike } from '@steadygrad/initializers';
import { describeObject } from '@steadygrad/nn';
import { resolveAxis } from './axes.js';

/** The learned affine part (γ, β) every normalization layer shares, with Keras names and defaults. */
export interface AffineOptions {
  /** Learn an offset β (default `true`). */
  readonly center?: boolean;
  /** Learn a scale γ (default `true`). */
  readonly scale?: boolean;
  readonly betaInitializer?: InitializerNameLike | Initializer;
  readonly gammaInitializer?: InitializerNameLike | Initializer;
  readonly betaRegularizer?: Regularizer;
  readonly gammaRegularizer?: Regularizer;
  readonly betaConstraint?: Constraint;
  readonly gammaConstraint?: Constraint;
}

export const AFFINE_KEYS = optionKeys<AffineOptions>()([
  'center',
  'scale',
  'betaInitializer',
  'gammaInitializer',
  'betaRegularizer',
  'gammaRegularizer',
  'betaConstraint',
  'gammaConstraint',
]);

/** The γ/β regularizer and constraint entries of a normalization layer's `getConfig` (as `Dense` writes them). */
export function affineConfig(
  regularizers: { readonly beta?: Regularizer; readonly gamma?: Regularizer },
  constraints: { readonly beta?: Constraint; readonly gamma?: Constraint },
): Record<string, unknown> {
  return {
    betaRegularizer: describeObject(regularizers.beta),
    gammaRegularizer: describeObject(regularizers.gamma),
    betaConstraint: describeObject(constraints.beta),
    gammaConstraint: describeObject(constraints.gamma),
  };
}

/**
 * A normalization layer's `cloneOptions`: its `getConfig()` with the β/γ initializer, regularizer and
 * constraint objects themselves under their option names (and any `extra` entries, e.g. BatchNormalization's
 * moving-statistic initializers).
 */
export function affineCloneOptions(
  config: Record<string, unknown>,
  initializers: { readonly beta: Initializer; readonly gamma: Initializer },
  regularizers: { readonly beta?: Regularizer; readonly gamma?: Regularizer },
  constraints: { readonly beta?: Constraint; readonly gamma?: Constraint },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...config,
    betaInitializer: initializers.beta,
    gammaInitializer: initializers.gamma,
    betaRegularizer: regularizers.beta,
    gammaRegularizer: regularizers.gamma,
    betaConstraint: constraints.beta,
    gammaConstraint: constraints.gamma,
    ...extra,
  };
}

/** Signature of `Layer.addParameter`, handed to {@link createParameter} by a layer's `build`. */
export type AddParameter = (
  name: string,
  initial: Tensor,
  options: { trainable?: boolean; regularizer?: Regularizer; constraint?: Constraint },
) => Parameter;

/** Draws `shape` from `init`, registers it through `add` and frees the temporary initial value. */
export function createParameter(
  add: AddParameter,
  name: string,
  init: Initializer,
  shape: readonly number[],
  rng: RandomStream,
  options: { trainable?: boolean; regularizer?: Regularizer; constraint?: Constraint } = {},
): Parameter {
  const initial = init.init(shape, rng);
  try {
    return add(name, initial, options);
  } finally {
    initial.dispose();
  }
}

/** Validates `axis` (an integer or a non-empty array of integers) and returns it as an array. */
export function checkAxisOption(layerClass: string, axis: unknown): readonly number[] {
  const list = Array.isArray(axis) ? axis : [axis];
  if (list.length === 0 || list.some((a) => typeof a !== 'number' || !Number.isInteger(a))) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${layerClass} axis must be an integer or a non-empty array of integers, got ${JSON.stringify(axis)}`,
    );
  }
  return Object.freeze([...(list as number[])]);
}

/**
 * Resolves axes against the input rank (sorted, no duplicates) and reads their sizes, which must be known.
 * Throws `INVALID_ARGUMENT` for an out-of-range/batch/duplicate axis, `SHAPE_MISMATCH` for an unknown size.
 */
export function resolveFeatureAxes(
  axes: readonly number[],
  inputShape: readonly (number | null)[],
  layer: string,
): { axes: number[]; dims: number[] } {
  const resolved = axes.map((a) => resolveAxis(a, inputShape.length, layer));
  if (new Set(resolved).size !== resolved.length) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `layer '${layer}': axis [${axes}] names the same axis twice for inputs of rank ${inputShape.length}; expected distinct axes`,
    );
  }
  resolved.sort((a, b) => a - b);
  const dims = resolved.map((a) => {
    const d = inputShape[a];
    if (typeof d !== 'number') {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${layer}' needs a known size on axis ${a}, got input shape [${inputShape.map((v) => (v === null ? 'None' : v))}]`,
      );
    }
    return d;
  });
  return { axes: resolved, dims };
}

/** Throws `SHAPE_MISMATCH` unless `shape` has rank `rank` and the built sizes on `axes`. */
export function checkFeatureShape(
  layer: string,
  className: string,
  shape: readonly number[],
  rank: number,
  axes: readonly number[],
  dims: readonly number[],
): void {
  const ok = shape.length === rank && axes.every((a, i) => shape[a] === dims[i]);
  if (!ok) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `layer '${layer}' (${className}) was built for inputs of rank ${rank} with sizes [${dims}] on axes [${axes}], got an input of shape [${shape}]`,
      { details: { layer, rank, axes: [...axes], dims: [...dims], got: [...shape] } },
    );
  }
}

/** Validates a boolean option. */
export function checkFlag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new SteadygradError('INVALID_ARGUMENT', `${name} must be a boolean, got ${JSON.stringify(value)}`);
  }
  return value;
}
