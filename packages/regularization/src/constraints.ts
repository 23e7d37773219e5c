import {
  type Constraint,
  checkNumber,
  checkOptions,
  type KerasName,
  optionKeys,
  resolveName,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';

/**
 * Weight constraints (Keras 3 `keras.constraints`), as core `Constraint`s that layers take through
 * `kernelConstraint` / `biasConstraint`. A constraint is a projection `w ← c(w)` applied after every
 * optimizer step: nn's `model.applyConstraints()` does it, and the train package's `fit` calls that after
 * each step (in a custom loop, call it yourself after `optimizer.step`).
 *
 * Norms are taken over `axis` (default 0, Keras): for a Dense kernel `[inputDim, units]` that is one norm
 * per output unit — the vector of weights coming into each neuron, the seed's cell 39 `‖W_i‖₂ ≤ c`. For a
 * channels-last conv kernel `[h, w, in, out]` use `axis: [0, 1, 2]`. PyTorch has no constraint objects
 * (one writes `w.data = torch.renorm(w, 2, 0, c)` by hand, where the norm is per row of its transposed
 * `[out, in]` weight — the same neurons).
 *
 * `ε = 1e-7` (Keras `backend.epsilon()`) keeps the division finite for all-zero vectors.
 */
export const CONSTRAINT_EPSILON = 1e-7;

/** Axes to take norms over: one axis or several (negative counts from the end). */
export type Axis = number | readonly number[];

function checkAxis(axis: unknown): number[] {
  const list = typeof axis === 'number' ? [axis] : Array.isArray(axis) ? [...axis] : undefined;
  if (
    list === undefined ||
    list.length === 0 ||
    list.some((a) => typeof a !== 'number' || !Number.isInteger(a))
  ) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `axis must be an integer or a non-empty array of integers, got ${JSON.stringify(axis)}`,
      { details: { axis } },
    );
  }
  return list as number[];
}

function resolveAxes(axes: readonly number[], rank: number, name: string): number[] {
  return axes.map((a) => {
    if (a < -rank || a >= rank) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `${name}: axis ${a} is out of range for a weight of rank ${rank} (expected -${rank} <= axis < ${rank})`,
        { details: { axis: a, rank } },
      );
    }
    return a < 0 ? a + rank : a;
  });
}

function norms(w: Tensor, axes: readonly number[], name: string): Tensor {
  return tf.sqrt(tf.sum(tf.square(w), resolveAxes(axes, w.rank, name), true));
}

/** Options of {@link maxNorm}. */
export interface MaxNormOptions {
  /** Axis or axes the norm is taken over (default 0: per output unit of a Dense kernel). */
  readonly axis?: Axis;
}

const MAX_NORM_KEYS = optionKeys<MaxNormOptions>()(['axis']);

/**
 * Max-norm (Keras 3 `keras.constraints.MaxNorm(max_value=2, axis=0)`, seed cell 39):
 * `w ← w · clip(n, 0, c) / (ε + n)` with `n = ‖w‖₂` over `axis`, so every vector's norm ends ≤ c (vectors
 * already shorter are kept, up to the factor `n/(ε + n)`). `c` must be > 0 (`INVALID_ARGUMENT` otherwise).
 */
export function maxNorm(maxValue = 2, options: MaxNormOptions = {}): Constraint {
  checkOptions('maxNorm', options, MAX_NORM_KEYS);
  const { axis = 0 } = options;
  const c = checkNumber('maxNorm maxValue', maxValue, { above: 0 });
  const axes = checkAxis(axis);
  return Object.freeze({
    name: 'max_norm',
    config: Object.freeze({ maxValue: c, axis }),
    apply: (w: Tensor): Tensor =>
      tf.tidy(() => {
        const n = norms(w, axes, 'maxNorm');
        return tf.mul(w, tf.div(tf.clipByValue(n, 0, c), tf.add(n, CONSTRAINT_EPSILON)));
      }),
  });
}

/** Options of {@link unitNorm}. */
export interface UnitNormOptions {
  /** Axis or axes the norm is taken over (default 0). */
  readonly axis?: Axis;
}

const UNIT_NORM_KEYS = optionKeys<UnitNormOptions>()(['axis']);

/** Unit norm (Keras 3 `UnitNorm(axis=0)`): `w ← w / (ε + ‖w‖₂)` over `axis`. */
export function unitNorm(options: UnitNormOptions = {}): Constraint {
  checkOptions('unitNorm', options, UNIT_NORM_KEYS);
  const { axis = 0 } = options;
  const axes = checkAxis(axis);
  return Object.freeze({
    name: 'unit_norm',
    config: Object.freeze({ axis }),
    apply: (w: Tensor): Tensor =>
      tf.tidy(() => tf.div(w, tf.add(norms(w, axes, 'unitNorm'), CONSTRAINT_EPSILON))),
  });
}

/**
 * Non-negativity (Keras 3 `NonNeg`): `w ← w · [w ≥ 0]` (negative entries set to 0). Computed as
 * `max(w, 0)`, the same values but +0 where Keras' product gives −0.
 */
export function nonNeg(): Constraint {
  return Object.freeze({
    name: 'non_neg',
    config: Object.freeze({}),
    apply: (w: Tensor): Tensor => tf.relu(w),
  });
}

/** Options of {@link minMaxNorm}. */
export interface MinMaxNormOptions {
  /** Lower bound of the norm (default 0, Keras). */
  readonly minValue?: number;
  /** Upper bound of the norm (default 1, Keras). */
  readonly maxValue?: number;
  /** How far to move toward the bounds per application, in [0, 1] (default 1 = all the way, Keras). */
  readonly rate?: number;
  /** Axis or axes the norm is taken over (default 0). */
  readonly axis?: Axis;
}

const MIN_MAX_NORM_KEYS = optionKeys<MinMaxNormOptions>()(['minValue', 'maxValue', 'rate', 'axis']);

/**
 * Min-max norm (Keras 3 `MinMaxNorm(min_value=0, max_value=1, rate=1, axis=0)`):
 * `w ← w · (rate·clip(n, min, max) + (1 − rate)·n) / (ε + n)` with `n = ‖w‖₂` over `axis`.
 * Requires `0 ≤ minValue ≤ maxValue`, `maxValue > 0` and `rate ∈ [0, 1]`.
 */
export function minMaxNorm(options: MinMaxNormOptions = {}): Constraint {
  checkOptions('minMaxNorm', options, MIN_MAX_NORM_KEYS);
  const { minValue = 0, maxValue = 1, rate = 1, axis = 0 } = options;
  const lo = checkNumber('minMaxNorm minValue', minValue, { min: 0 });
  const hi = checkNumber('minMaxNorm maxValue', maxValue, { above: 0, min: lo });
  const r = checkNumber('minMaxNorm rate', rate, { min: 0, max: 1 });
  const axes = checkAxis(axis);
  return Object.freeze({
    name: 'min_max_norm',
    config: Object.freeze({ minValue: lo, maxValue: hi, rate: r, axis }),
    apply: (w: Tensor): Tensor =>
      tf.tidy(() => {
        const n = norms(w, axes, 'minMaxNorm');
        const desired = tf.add(tf.mul(tf.clipByValue(n, lo, hi), r), tf.mul(n, 1 - r));
        return tf.mul(w, tf.div(desired, tf.add(n, CONSTRAINT_EPSILON)));
      }),
  });
}

/** Names {@link getConstraint} resolves (Keras 3 spellings), each built with its defaults. */
export const CONSTRAINT_NAMES = ['max_norm', 'unit_norm', 'non_neg', 'min_max_norm'] as const;
/**
 * A Keras constraint name `getConstraint` resolves: `'max_norm'`, `'unit_norm'`, `'non_neg'` or
 * `'min_max_norm'`.
 */
export type ConstraintName = (typeof CONSTRAINT_NAMES)[number];
/** A constraint name in Keras's snake_case (`'max_norm'`) or camelCase (`'maxNorm'`). */
export type ConstraintNameLike = KerasName<ConstraintName>;

const ALIASES: Readonly<Record<string, ConstraintName>> = {
  max_norm: 'max_norm',
  MaxNorm: 'max_norm',
  maxNorm: 'max_norm',
  unit_norm: 'unit_norm',
  UnitNorm: 'unit_norm',
  unitNorm: 'unit_norm',
  non_neg: 'non_neg',
  NonNeg: 'non_neg',
  nonNeg: 'non_neg',
  min_max_norm: 'min_max_norm',
  MinMaxNorm: 'min_max_norm',
  minMaxNorm: 'min_max_norm',
};

function isConstraint(x: unknown): x is Constraint {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Constraint).name === 'string' &&
    typeof (x as Constraint).apply === 'function'
  );
}

/**
 * Resolves a Keras name (`'max_norm'`, `'unit_norm'`, `'non_neg'`, `'min_max_norm'`, or the class /
 * camelCase spellings) to a constraint with its Keras defaults; passes a `Constraint` through. Unknown
 * name => `UNKNOWN_NAME` listing the valid names.
 */
export function getConstraint(identifier: string | Constraint): Constraint {
  if (isConstraint(identifier)) return identifier;
  if (typeof identifier === 'string') {
    switch (resolveName('constraint', identifier, CONSTRAINT_NAMES, ALIASES, 'or a Constraint object')) {
      case 'max_norm':
        return maxNorm();
      case 'unit_norm':
        return unitNorm();
      case 'non_neg':
        return nonNeg();
      case 'min_max_norm':
        return minMaxNorm();
    }
  }
  throw new SteadygradError(
    'UNKNOWN_NAME',
    `unknown constraint ${JSON.stringify(identifier)}: expected one of ${CONSTRAINT_NAMES.map((n) => `'${n}'`).join(', ')} or a Constraint object`,
    { details: { got: identifier, valid: [...CONSTRAINT_NAMES] } },
  );
}
