import {
  checkNumber,
  checkOptions,
  type KerasName,
  optionKeys,
  type Regularizer,
  resolveName,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';

/**
 * Weight penalties (Keras 3 `keras.regularizers`), as core `Regularizer`s that layers take through
 * `kernelRegularizer`, `biasRegularizer` and `activityRegularizer`.
 *
 * Keras convention, used here: `penalty(w) = l1·Σ|w| + l2·Σw²` — no ½ factor, not divided by anything.
 * PyTorch has no regularizer objects; its optimizers' `weight_decay = wd` adds `wd·w` to the gradient,
 * which is the gradient of `(wd/2)·Σw²`. So Keras `l2(f)` is PyTorch SGD's `weight_decay = 2f` (exactly for
 * plain SGD; with Adam/RMSProp the coupled penalty goes through the adaptive scaling, and AdamW's decoupled
 * decay is another thing again).
 *
 * Gradients: `∂/∂w l1·Σ|w| = l1·sign(w)` (0 at w = 0, as in TensorFlow and PyTorch), `∂/∂w l2·Σw² = 2·l2·w`.
 */

function checkFactor(name: string, value: unknown): number {
  return checkNumber(name, value, { min: 0 });
}

/**
 * `l1·Σ|x|` (Keras `L1`), written `Σ x·sign(x)` so that its gradient is `sign(x)` with 0 at x = 0, as in
 * TensorFlow and PyTorch (tfjs's own `abs` gradient is −1 at 0).
 */
function l1Sum(x: Tensor, f: number): Scalar {
  return tf.mul(tf.sum(tf.mul(x, tf.sign(x))), f) as Scalar;
}

/** `l2·Σx²` (Keras `L2`). */
function l2Sum(x: Tensor, f: number): Scalar {
  return tf.mul(tf.sum(tf.square(x)), f) as Scalar;
}

/**
 * L1 penalty `f·Σ|w|` (Keras 3 `keras.regularizers.l1` / `L1`, default `f = 0.01`). Drives weights to
 * exactly zero: this one makes weights sparse (the seed's cell 32 prose says that of L2, which is wrong).
 * Negative `f` => `INVALID_ARGUMENT`.
 */
export function l1(f = 0.01): Regularizer {
  const factor = checkFactor('l1 factor', f);
  return Object.freeze({
    name: 'l1',
    config: Object.freeze({ l1: factor }),
    penalty: (x: Tensor): Scalar => tf.tidy(() => l1Sum(x, factor)),
  });
}

/**
 * L2 penalty `f·Σw²` (Keras 3 `keras.regularizers.l2` / `L2`, default `f = 0.01`; no ½ factor). Shrinks
 * weights toward zero in proportion to their size but does not make them sparse (seed cell 32's prose says
 * it does: that is L1). PyTorch equivalent for plain SGD: `weight_decay = 2f`.
 * Negative `f` => `INVALID_ARGUMENT`.
 */
export function l2(f = 0.01): Regularizer {
  const factor = checkFactor('l2 factor', f);
  return Object.freeze({
    name: 'l2',
    config: Object.freeze({ l2: factor }),
    penalty: (x: Tensor): Scalar => tf.tidy(() => l2Sum(x, factor)),
  });
}

/** Options of {@link l1l2}. */
export interface L1L2Options {
  /** L1 factor, default 0 (Keras 3 `L1L2`). */
  readonly l1?: number;
  /** L2 factor, default 0 (Keras 3 `L1L2`). */
  readonly l2?: number;
}

const KEYS = optionKeys<L1L2Options>()(['l1', 'l2']);

/**
 * Combined penalty `l1·Σ|w| + l2·Σw²` (Keras 3 `keras.regularizers.l1_l2` / `L1L2`). Keras 3 defaults both
 * factors to 0 (Keras 2's `l1_l2()` function defaulted both to 0.01): pass the ones you want. Negative
 * factors => `INVALID_ARGUMENT`.
 */
export function l1l2(options: L1L2Options = {}): Regularizer {
  checkOptions('l1l2', options, KEYS);
  const { l1: a = 0, l2: b = 0 } = options;
  const fa = checkFactor('l1 factor', a);
  const fb = checkFactor('l2 factor', b);
  return Object.freeze({
    name: 'l1_l2',
    config: Object.freeze({ l1: fa, l2: fb }),
    penalty: (x: Tensor): Scalar =>
      tf.tidy(() => {
        if (fa !== 0 && fb !== 0) return tf.add(l1Sum(x, fa), l2Sum(x, fb)) as Scalar;
        if (fa !== 0) return l1Sum(x, fa);
        if (fb !== 0) return l2Sum(x, fb);
        return tf.mul(tf.sum(x), 0) as Scalar; // 0, still connected to x (zero gradient)
      }),
  });
}

/** Names {@link getRegularizer} resolves (Keras 3 spellings), each built with its defaults. */
export const REGULARIZER_NAMES = ['l1', 'l2', 'l1_l2'] as const;
/** A Keras regularizer name `getRegularizer` resolves: `'l1'`, `'l2'` or `'l1_l2'`. */
export type RegularizerName = (typeof REGULARIZER_NAMES)[number];
/** A regularizer name in Keras's snake_case (`'l1_l2'`) or camelCase (`'l1L2'`). */
export type RegularizerNameLike = KerasName<RegularizerName>;

const ALIASES: Readonly<Record<string, RegularizerName>> = {
  l1: 'l1',
  l2: 'l2',
  l1_l2: 'l1_l2',
  l1l2: 'l1_l2',
  L1: 'l1',
  L2: 'l2',
  L1L2: 'l1_l2',
};

function isRegularizer(x: unknown): x is Regularizer {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Regularizer).name === 'string' &&
    typeof (x as Regularizer).penalty === 'function'
  );
}

/**
 * Resolves a Keras name (`'l1'`, `'l2'`, `'l1_l2'`; also `'l1l2'` and the class names `'L1'`, `'L2'`,
 * `'L1L2'`) to a regularizer with its defaults (`l1`/`l2`: 0.01; `l1_l2`: both 0, as Keras 3), and passes a
 * `Regularizer` object through. Unknown name => `UNKNOWN_NAME` listing the valid names.
 */
export function getRegularizer(identifier: string | Regularizer): Regularizer {
  if (isRegularizer(identifier)) return identifier;
  if (typeof identifier === 'string') {
    const name = resolveName(
      'regularizer',
      identifier,
      REGULARIZER_NAMES,
      ALIASES,
      'or a Regularizer object',
    );
    if (name === 'l1') return l1();
    if (name === 'l2') return l2();
    return l1l2();
  }
  throw new SteadygradError(
    'UNKNOWN_NAME',
    `unknown regularizer ${JSON.stringify(identifier)}: expected one of ${REGULARIZER_NAMES.map((n) => `'${n}'`).join(', ')} or a Regularizer object`,
    { details: { got: identifier, valid: [...REGULARIZER_NAMES] } },
  );
}
