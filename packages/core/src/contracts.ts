import type * as tf from '@tensorflow/tfjs-core';
import type { RandomStream } from './random.js';

/**
 * An initializer draws a parameter's first value. Random ones draw from the stream they are given, so the
 * same seed gives the same weights. `name` is the Keras-style identifier (`'glorot_uniform'`), `config`
 * its arguments, for summaries and serialization.
 */
export interface Initializer {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * A new float32 tensor of `shape` (Keras layout: `[in, out]` for a dense kernel), drawing any randomness from
   * `rng`.
   */
  init(shape: readonly number[], rng: RandomStream): tf.Tensor;
}

/** The initializer family an activation pairs with (seed cells 1–4). */
export type InitializerFamily = 'glorot' | 'he' | 'lecun';

/**
 * An activation: an element-wise (or, for softmax, per-row) function with its Keras name and the
 * initializer family it pairs with.
 */
export interface Activation {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly pairsWith: InitializerFamily;
  /** The activation of `x`, element-wise (or along an axis for softmax), as a new tensor; differentiable. */
  apply(x: tf.Tensor): tf.Tensor;
}

/** A penalty added to the training loss (L1/L2). */
export interface Regularizer {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The penalty of a parameter's value `x`, a scalar added to the loss. */
  penalty(x: tf.Tensor): tf.Scalar;
}

/** A projection applied to a parameter after each optimizer step (max-norm, non-negativity). */
export interface Constraint {
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The projected value of a parameter `w` (applied after each optimizer step), as a new tensor. */
  apply(w: tf.Tensor): tf.Tensor;
}

/** A learning-rate (or any hyperparameter) schedule: a pure function of the step counter. */
export type Schedule = (step: number) => number;

/** A number or a schedule. */
export type ScalarOrSchedule = number | Schedule;

/** Parameters, gradients and updates: tensors by parameter name. */
export type Params = Readonly<Record<string, tf.Tensor>>;

/** What a {@link GradientTransformation} returns from one `update`. */
export interface UpdateResult<S> {
  readonly updates: Params;
  readonly state: S;
}

/**
 * An optax-style gradient transformation: `init` builds the state for a set of parameters, `update`
 * transforms incoming updates (gradients, or the output of the previous link of a chain) into outgoing
 * updates and returns the next state. Updates are *added* to the parameters (`applyUpdates`), so a plain
 * SGD step is `scaleByLearningRate(lr)` producing `−lr·g`.
 *
 * Memory contract: `update` never disposes its inputs. The caller runs it inside `tf.tidy`, keeps the
 * tensors it returns and disposes the old state's tensors that the new state does not reuse.
 * Counters in the state are plain numbers, never read back from the device.
 */
export interface GradientTransformation<S = unknown> {
  /** The initial state for these parameters (moments, counters); `params` are read, not kept. */
  init(params: Params): S;
  /**
   * Transforms `updates` (gradients, or the output of the previous link of a chain) into new updates, given the
   * state and the current parameters; returns the new state too. Never disposes its inputs.
   */
  update(updates: Params, state: S, params: Params): UpdateResult<S>;
}
