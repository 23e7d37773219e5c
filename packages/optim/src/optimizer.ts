import {
  checkNumber,
  collectTensors,
  disposeExcept,
  flattenTree,
  type GradientTransformation,
  type Parameter,
  SteadygradError,
  type Tensor,
  tf,
  unflattenTree,
} from '@steadygrad/core';
import { applyUpdates } from './apply-updates.js';
import {
  checkOptimizerState,
  type ParameterSpec,
  type StateLayout,
  stateLayout,
  type TensorSpec,
} from './check-optimizer-state.js';
import type { Transform } from './transform.js';
import { describeTransform, type TransformDescriptor } from './transform-descriptor.js';

/** Format tag of {@link OptimizerState.meta}. */
export const OPTIMIZER_STATE_FORMAT = 'steadygrad.optimizer/1';

/** Serialized optimizer state: named tensors plus JSON metadata (the state's skeleton and counters). */
export interface OptimizerState {
  readonly tensors: Record<string, Tensor>;
  readonly meta: OptimizerStateMeta;
}

/**
 * The JSON part of `Optimizer.getState()`: the format, the step count, the parameter names the state belongs
 * to, the learning-rate override and the state tree's skeleton.
 */
export interface OptimizerStateMeta {
  readonly format: typeof OPTIMIZER_STATE_FORMAT;
  readonly iterations: number;
  /** Trainable parameter names the state was built for; `null` before the first step. */
  readonly parameterNames: readonly string[] | null;
  /** Learning rate set with `setLearningRate`, or `null`. */
  readonly learningRateOverride: number | null;
  /** The transformation state with each tensor replaced by `{ $tensor: key }` (core `flattenTree`). */
  readonly skeleton: unknown;
  /** Shape and dtype of each parameter in `parameterNames` (same order); absent in states of older versions. */
  readonly parameters?: readonly { readonly shape: readonly number[]; readonly dtype: string }[] | null;
}

function sameNames(a: readonly string[], b: readonly string[] | null): boolean {
  if (b === null || a.length !== b.length) return false;
  const s = new Set(b);
  return a.every((n) => s.has(n));
}

/**
 * Runs one gradient transformation (e.g. `adam()`) and its state for a model's parameters; `fit` uses it.
 *
 * - `step(params, grads)`: only trainable parameters are updated (non-trainable ones are ignored); runs
 *   `tx.update` inside `tf.tidy`, adds the updates with {@link applyUpdates} and `variable.assign`, keeps the new state and disposes
 *   the old state's tensors the new one does not reuse. No device read; the counters are plain numbers.
 * - State is created lazily on the first step. When the set of trainable parameter names changes (a layer
 *   was frozen or unfrozen), the state is re-initialized for the new set and the old state is disposed —
 *   like compiling a fresh Keras optimizer: moments, bias-correction counts and a schedule's position
 *   restart; a learning rate set with `setLearningRate` is kept. `iterations` keeps counting all steps.
 * - The learning rate is reached through the transformation's injectable hyperparameter (see
 *   `Transform.learningRate`, implemented by `scaleByLearningRate` and forwarded by `chain`, `masked`,
 *   `partition`): `learningRate` reads the rate the next step uses, `setLearningRate(lr)` stores an override in
 *   the state that replaces the number or schedule from then on, and is saved by `getState`.
 */
export class Optimizer {
  readonly transformation: Transform<unknown>;
  private state: unknown = undefined;
  private names: readonly string[] | null = null;
  private steps = 0;
  private lrOverride: number | null = null;
  private specs: { shape: number[]; dtype: string }[] | null = null;
  private layoutCache: { key: string; layout: StateLayout } | undefined;

  constructor(tx: GradientTransformation<unknown>) {
    if (
      typeof tx !== 'object' ||
      tx === null ||
      typeof tx.init !== 'function' ||
      typeof tx.update !== 'function'
    ) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'Optimizer expects a gradient transformation { init, update }, e.g. sgd() or adam()',
      );
    }
    this.transformation = tx as Transform<unknown>;
  }

  /** Number of steps taken (a plain number). */
  get iterations(): number {
    return this.steps;
  }

  /** The learning rate the next step uses; `undefined` when the transformation has none. */
  get learningRate(): number | undefined {
    const access = this.transformation.learningRate;
    if (access === undefined) return undefined;
    if (this.state !== undefined) return access.get(this.state);
    if (this.lrOverride !== null) return this.lrOverride;
    const empty = this.transformation.init({});
    try {
      return access.get(empty);
    } finally {
      disposeExcept(empty, null);
    }
  }

  /** Overrides the learning rate from the next step on (LR callbacks); saved in the state. */
  setLearningRate(lr: number): void {
    checkNumber('learningRate', lr, { min: 0 });
    const access = this.transformation.learningRate;
    if (access === undefined) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        'this transformation has no learning rate to set: it contains no scaleByLearningRate (or a combinator hides it)',
      );
    }
    this.lrOverride = lr;
    if (this.state !== undefined) this.state = access.set(this.state, lr);
  }

  /**
   * One optimization step. `grads` maps each trainable parameter's name to its gradient (same shape); grads
   * are not disposed.
   */
  step(params: readonly Parameter[], grads: Readonly<Record<string, Tensor>>): void {
    const trainable = params.filter((p) => p.trainable);
    if (trainable.length === 0) return;
    const names = trainable.map((p) => p.name);
    if (new Set(names).size !== names.length) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `parameter names must be unique, got [${names.join(', ')}]`,
      );
    }
    const g: Record<string, Tensor> = {};
    const values: Record<string, Tensor> = {};
    for (const p of trainable) {
      const grad = Object.hasOwn(grads, p.name) ? grads[p.name] : undefined;
      if (grad === undefined) {
        throw new SteadygradError(
          'NOT_FOUND',
          `no gradient for trainable parameter '${p.name}' (grads has [${Object.keys(grads).join(', ')}])`,
          { details: { parameter: p.name } },
        );
      }
      if (!tf.util.arraysEqual(grad.shape, p.shape)) {
        throw new SteadygradError(
          'SHAPE_MISMATCH',
          `gradient of '${p.name}' has shape [${grad.shape}], expected the parameter's shape [${p.shape}]`,
          { details: { parameter: p.name, expected: p.shape, got: grad.shape } },
        );
      }
      g[p.name] = grad;
      values[p.name] = p.variable;
    }
    if (this.state === undefined || !sameNames(names, this.names)) this.initialize(values, names);
    if (this.transformation.fusedApply !== undefined && this.fusedStep(trainable, g, values)) return;
    let next: unknown;
    tf.tidy(() => {
      const r = this.transformation.update(g, this.state, values);
      const applied = applyUpdates(values, r.updates);
      for (const p of trainable) {
        const w = applied[p.name]!;
        if (w !== p.variable) p.variable.assign(w);
      }
      for (const t of collectTensors(r.state)) tf.keep(t);
      next = r.state;
    });
    disposeExcept(this.state, next);
    this.state = next;
    this.steps += 1;
  }

  /**
   * The transformation's fused fast path (new values in fewer kernels); false when it declined, and then
   * nothing was changed.
   */
  private fusedStep(
    trainable: readonly Parameter[],
    g: Readonly<Record<string, Tensor>>,
    values: Readonly<Record<string, Tensor>>,
  ): boolean {
    const fused = this.transformation.fusedApply;
    if (fused === undefined) return false;
    let next: unknown;
    let applied = false;
    tf.tidy(() => {
      const r = fused(g, this.state, values);
      if (r === undefined) return;
      for (const p of trainable) {
        const w = Object.hasOwn(r.params, p.name) ? r.params[p.name] : undefined;
        if (w !== undefined) p.variable.assign(w);
      }
      for (const t of collectTensors(r.state)) tf.keep(t);
      next = r.state;
      applied = true;
    });
    if (!applied) return false;
    disposeExcept(this.state, next);
    this.state = next;
    this.steps += 1;
    return true;
  }

  private initialize(values: Readonly<Record<string, Tensor>>, names: readonly string[]): void {
    let fresh: unknown;
    tf.tidy(() => {
      fresh = this.transformation.init(values);
      for (const t of collectTensors(fresh)) tf.keep(t);
    });
    const access = this.transformation.learningRate;
    if (this.lrOverride !== null && access !== undefined) fresh = access.set(fresh, this.lrOverride);
    if (this.state !== undefined) disposeExcept(this.state, fresh);
    this.state = fresh;
    this.names = [...names];
    this.specs = names.map((n) => ({ shape: [...values[n]!.shape], dtype: values[n]!.dtype }));
  }

  /** What the transformation is (name, hyperparameters, links); checkpoints record it. */
  describe(): TransformDescriptor {
    return describeTransform(this.transformation);
  }

  private layoutFor(
    specs: readonly { name: string; shape: readonly number[]; dtype: string }[],
  ): StateLayout {
    const key = JSON.stringify(specs);
    if (this.layoutCache?.key !== key)
      this.layoutCache = { key, layout: stateLayout(this.transformation, specs) };
    return this.layoutCache.layout;
  }

  /**
   * Checks a state from {@link getState} against this optimizer without changing anything: the metadata
   * (format, an iteration count >= 0, unique parameter names, a learning-rate override that is null or finite
   * and >= 0), and the state tree — its structure (the transformation's links and their entries), every
   * tensor's shape and dtype, its counters and learning rates — against the layout this transformation's
   * `init` gives for the saved parameters (or for `params`, the live ones, when given: their names, shapes
   * and dtypes must then agree with the state's). Allocates nothing that outlives the call.
   *
   * @throws SteadygradError `INCOMPATIBLE` (another transformation, other hyperparameter-dependent entries,
   *   other shapes or parameters) or `CORRUPT_DATA` (values no optimizer writes), naming each difference.
   */
  checkState(
    s: { readonly meta: unknown; readonly tensors: Readonly<Record<string, TensorSpec>> },
    params?: readonly ParameterSpec[],
  ): void {
    checkOptimizerState(s, params, (specs) => this.layoutFor(specs));
  }

  /**
   * The state as named tensors and JSON metadata, for checkpoints. The tensors are new handles (sharing
   * data, no copy) that the caller owns and disposes.
   */
  getState(): OptimizerState {
    const meta = {
      format: OPTIMIZER_STATE_FORMAT,
      iterations: this.steps,
      parameterNames: this.names === null ? null : [...this.names],
      learningRateOverride: this.lrOverride,
      parameters:
        this.specs === null ? null : this.specs.map((p) => ({ shape: [...p.shape], dtype: p.dtype })),
    } as const;
    if (this.state === undefined)
      return { tensors: {}, meta: { ...meta, parameterNames: null, parameters: null, skeleton: null } };
    const { tensors, skeleton } = flattenTree(this.state);
    if (Object.keys(tensors).length !== collectTensors(this.state).length) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        'optimizer state paths collide (parameter names that differ only in where a "/" falls); rename the parameters',
      );
    }
    const owned: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) owned[k] = tf.clone(t);
    return { tensors: owned, meta: { ...meta, skeleton } };
  }

  /**
   * Restores a state from {@link getState} (of an optimizer built with the same transformation), all or
   * nothing: {@link checkState} runs first (with `params`, when given, as the live parameters), and a rejected
   * state changes nothing and allocates nothing. The tensors are copied by handle; the caller keeps
   * ownership of its own. The current state is disposed.
   */
  setState(s: OptimizerState, params?: readonly ParameterSpec[]): void {
    this.checkState(s, params);
    const meta = s.meta;
    let restored: unknown;
    if (meta.parameterNames !== null) {
      const tree = unflattenTree(meta.skeleton, s.tensors);
      const { tensors, skeleton } = flattenTree(tree);
      const clones: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(tensors)) clones[k] = tf.clone(t);
      restored = unflattenTree(skeleton, clones);
    }
    if (this.state !== undefined) disposeExcept(this.state, null);
    this.state = restored;
    this.names = meta.parameterNames === null ? null : [...meta.parameterNames];
    this.specs =
      meta.parameterNames === null
        ? null
        : Array.isArray(meta.parameters)
          ? meta.parameters.map((p) => ({ shape: [...p.shape], dtype: p.dtype }))
          : (this.specs ?? null);
    this.steps = meta.iterations;
    this.lrOverride = meta.learningRateOverride;
  }

  /** Disposes the state; the optimizer starts afresh (lazily) if stepped again. */
  dispose(): void {
    if (this.state !== undefined) disposeExcept(this.state, null);
    this.state = undefined;
    this.names = null;
    this.specs = null;
  }
}
