import {
  checkNumber,
  checkOptions,
  flattenTree,
  type GradientTransformation,
  optionKeys,
  SteadygradError,
  type Tensor,
  tf,
  unflattenTree,
} from '@steadygrad/core';
import type { Transform } from './transform.js';
import { describeTransform } from './transform-descriptor.js';

/** Options of {@link applyIfFinite}. */
export interface ApplyIfFiniteOptions {
  /**
   * After more than this many consecutive non-finite steps the inner updates are applied anyway (optax's
   * `max_consecutive_errors`: a run that keeps diverging shows it instead of standing still). An integer
   * >= 0; default unset: a non-finite step is never applied.
   */
  readonly maxConsecutiveErrors?: number;
}

const KEYS = optionKeys<ApplyIfFiniteOptions>()(['maxConsecutiveErrors']);

/** The state of {@link applyIfFinite}: the inner state and two int32 scalar counters (on the device). */
export interface ApplyIfFiniteState<S> {
  /** The inner transformation's state (that of the last applied step). */
  readonly inner: S;
  /** Consecutive non-finite steps up to now (0 after a finite step). */
  readonly notFiniteCount: Tensor;
  /** Non-finite steps over the whole run. */
  readonly totalNotFinite: Tensor;
}

/** bool scalar: every element of every tensor is finite (`Σ x·0 = 0` exactly then, NaN otherwise). */
function allFinite(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) return tf.scalar(true, 'bool');
  const sums = tensors.map((t) => tf.sum(tf.mul(tf.cast(t, 'float32'), 0)));
  return tf.equal(sums.length === 1 ? sums[0]! : tf.addN(sums), 0);
}

/** `ok ? a : b` for every tensor of two state trees of the same structure (numbers come from `a`). */
function selectTree<S>(ok: Tensor, a: S, b: S): S {
  const fa = flattenTree(a);
  const fb = flattenTree(b);
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(fa.tensors)) {
    const o = Object.hasOwn(fb.tensors, k) ? fb.tensors[k] : undefined;
    out[k] =
      o !== undefined && o.dtype === t.dtype && tf.util.arraysEqual(o.shape, t.shape)
        ? tf.where(ok, t, o)
        : t;
  }
  return unflattenTree(fa.skeleton, out) as S;
}

/**
 * Skips the steps whose gradients are not finite (optax `apply_if_finite`): when every element of every
 * incoming update is finite, the inner transformation's updates and new state are taken; otherwise the updates
 * are zeros and the inner state stays as it was (its tensors; plain-number counters in the inner state, such
 * as a schedule's step, still advance). Decided on the device, with no read-back: `tf.where` per update and
 * per state tensor, so a NaN of the unselected branch never leaks.
 *
 * Convention: the check is on the *incoming* updates (the gradients when it wraps a whole optimizer, as in
 * `applyIfFinite(adam())`), as in optax; the loss is not seen. `maxConsecutiveErrors` as in optax: once more
 * than that many consecutive steps were non-finite, the updates are applied regardless. The learning rate of
 * `inner` is forwarded. The state counts the consecutive and the total non-finite steps (int32 scalars).
 *
 * @throws SteadygradError `INVALID_ARGUMENT` when `inner` is not a transformation, `UNKNOWN_OPTION` /
 *   `INVALID_ARGUMENT` for bad options.
 */
export function applyIfFinite<S>(
  inner: GradientTransformation<S>,
  options: ApplyIfFiniteOptions = {},
): Transform<ApplyIfFiniteState<S>> {
  if (
    typeof inner !== 'object' ||
    inner === null ||
    typeof inner.init !== 'function' ||
    typeof inner.update !== 'function'
  ) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'applyIfFinite expects a gradient transformation { init, update }, e.g. applyIfFinite(adam())',
    );
  }
  checkOptions('applyIfFinite', options, KEYS);
  const { maxConsecutiveErrors } = options;
  if (maxConsecutiveErrors !== undefined)
    checkNumber('maxConsecutiveErrors', maxConsecutiveErrors, { min: 0, integer: true });
  const t = inner as Transform<S>;
  const lr = t.learningRate;
  return {
    descriptor: {
      name: 'applyIfFinite',
      config: { maxConsecutiveErrors: maxConsecutiveErrors ?? null },
      links: [describeTransform(inner)],
    },
    init: (params) => ({
      inner: t.init(params),
      notFiniteCount: tf.scalar(0, 'int32'),
      totalNotFinite: tf.scalar(0, 'int32'),
    }),
    update(updates, state, params) {
      const r = t.update(updates, state.inner, params);
      const finite = allFinite(Object.values(updates));
      const bad = tf.cast(tf.logicalNot(finite), 'int32');
      const notFiniteCount = tf.mul(tf.add(state.notFiniteCount, bad), bad);
      const totalNotFinite = tf.add(state.totalNotFinite, bad);
      const apply =
        maxConsecutiveErrors === undefined
          ? finite
          : tf.logicalOr(finite, tf.greater(notFiniteCount, maxConsecutiveErrors));
      const out: Record<string, Tensor> = {};
      for (const [name, u] of Object.entries(r.updates)) out[name] = tf.where(apply, u, tf.zerosLike(u));
      return {
        updates: out,
        state: { inner: selectTree(apply, r.state, state.inner), notFiniteCount, totalNotFinite },
      };
    },
    ...(lr === undefined
      ? {}
      : {
          learningRate: {
            get: (s: ApplyIfFiniteState<S>) => lr.get(s.inner),
            set: (s: ApplyIfFiniteState<S>, v: number) => ({ ...s, inner: lr.set(s.inner, v) }),
          },
        }),
  };
}
