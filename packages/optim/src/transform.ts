import type { GradientTransformation } from '@steadygrad/core';

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
}

/** The state of a transformation that keeps none. */
export type EmptyState = null;
