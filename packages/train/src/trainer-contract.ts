import type { Parameter, Scalar, Tensor } from '@steadygrad/core';
import type { CallContext, Shape } from '@steadygrad/nn';

/**
 * What the trainer needs from a model (`@steadygrad/nn`'s `Sequential` has all of it). Trainable
 * parameters are read at every step, so freezing or unfreezing layers takes effect without recompiling.
 */
export interface TrainableModel {
  /** The forward pass (`training: true` during `fit`). */
  apply(x: Tensor, ctx?: Partial<CallContext>): Tensor;
  readonly trainableParameters: readonly Parameter[];
  /** Every parameter, trainable or not (batch-norm statistics): saved by checkpoints, guarded by `nonFinite`. */
  readonly parameters?: readonly Parameter[];
  /** The weight penalties, added to the loss at every step. */
  regularizationLosses(): Scalar[];
  /** Projects the constrained parameters, after every optimizer step. */
  applyConstraints(): void;
  readonly outputShape?: Shape | undefined;
  readonly built?: boolean;
  /** Builds the model for an input shape, when it is not built yet. */
  build?(inputShape?: Shape): void;
}

/**
 * What the trainer needs from an optimizer: `@steadygrad/optim`'s `Optimizer` (which `compile` builds from a
 * `GradientTransformation`), or anything with the same `step`.
 */
export interface OptimizerLike {
  /** Applies one update in place; `grads` are keyed by `Parameter.name` and are not disposed by `step`. */
  step(params: readonly Parameter[], grads: Readonly<Record<string, Tensor>>): void;
  readonly iterations?: number;
  /** The current learning rate, when the optimizer has one (recorded as `lr` in the logs). */
  readonly learningRate?: number | undefined;
  /** Used by the learning-rate callbacks (`Optimizer.setLearningRate`). */
  setLearningRate?(lr: number): void;
  /** Used by checkpoints and the non-finite guard (`Optimizer.getState` / `setState`). */
  getState?(): { tensors: Record<string, Tensor>; meta: unknown };
  /** Restores a state saved by `getState`. */
  setState?(state: { tensors: Record<string, Tensor>; meta: unknown }): void;
  /** Frees the optimizer state (called by `Trainer.dispose` when the trainer created the optimizer). */
  dispose?(): void;
}
