import type { GradientTransformation, Tensor } from '@steadygrad/core';
import type { TransformDescriptor } from './transform-descriptor.js';

/**
 * How a combinator or the {@link Optimizer} reaches the learning rate held in a transformation's state —
 * the optax `inject_hyperparams` idea without a wrapper: the learning rate the next update will use is
 * readable, and it can be overridden by returning a new state. Both are plain JavaScript (no tensors, no
 * device work); the override lives in the state, so it is saved with a checkpoint.
 */
export interface LearningRateAccess<S> {
  /** The learning rate the next `update` will use. */
  get(state: S): number;
  /** A copy of `state` whose learning rate is `lr` from now on (it replaces any schedule). */
  set(state: S, lr: number): S;
}

/**
 * A core `GradientTransformation` that may expose its learning rate. Every transformation of this package
 * is one; `scaleByLearningRate` implements `learningRate`, and `chain`, `masked` and `partition` forward it
 * to their children.
 */
export interface Transform<S = unknown> extends GradientTransformation<S> {
  readonly learningRate?: LearningRateAccess<S>;
  /** What this transformation is (name, hyperparameters, links), recorded by checkpoints; see `describeTransform`. */
  readonly descriptor?: TransformDescriptor;
  /**
   * Optional fast path the {@link Optimizer} tries first: the NEW parameter values (`params + updates`) and
   * the new state, computed with fewer kernels than `update` followed by an add, and numerically identical
   * to them (tested). Returns `undefined` when it cannot run (e.g. the backend has no host kernels); the
   * optimizer then runs `update`. Like `update`, it disposes nothing and is called inside `tf.tidy`.
   */
  readonly fusedApply?: (
    grads: Readonly<Record<string, Tensor>>,
    state: S,
    params: Readonly<Record<string, Tensor>>,
  ) => { params: Record<string, Tensor>; state: S } | undefined;
}

/** The state of a transformation that keeps none. */
export type EmptyState = null;
