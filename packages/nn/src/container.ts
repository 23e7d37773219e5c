import { type Parameter, type Scalar, SteadygradError, suggestName, type Tensor, tf } from '@steadygrad/core';
import type { PlanStep } from './execution-plan.js';
import type { CallContext, Layer, Shape } from './layer.js';
import type { ModelSummary, SummaryOptions } from './summary-table.js';

/**
 * The contract `Sequential` and the functional `Model` share (Keras `Model`'s common surface): the layers,
 * their parameters, building, the forward pass, weights in `parameters` order, summaries and configs.
 * Everything else in steadygrad (`compile`/`fit`, checkpoints, `freeze`, `cloneModel`, interop) works
 * on this contract.
 *
 * Ownership: the container owns its layers' parameters; `dispose()` frees them (a layer shared with
 * another model then cannot be used there either).
 */
export abstract class Container {
  abstract readonly name: string;
  /** The layers, each once, in order (a functional model lists its `InputLayer`s first, as Keras). */
  abstract get layers(): readonly Layer[];
  abstract get built(): boolean;
  /** The input shape (batch dimension `null`), once known. */
  abstract get inputShape(): Shape | undefined;
  /** The output shape, once built. */
  abstract get outputShape(): Shape | undefined;
  /** Builds every layer for inputs of `inputShape` (see the subclass). */
  abstract build(inputShape?: Shape): void;
  /**
   * The execution plan the forward pass runs, compiled once when the container builds (see `compilePlan`):
   * every path through the model (`fit`, `predict`, `evaluate`, MC dropout) runs this plan.
   */
  abstract get plan(): readonly PlanStep<unknown>[];
  /** The forward pass (runs {@link plan}); intermediates are freed, only the output is returned. */
  abstract apply(x: Tensor, ctx?: Partial<CallContext>): Tensor;
  /** Prints a Keras-style table and returns the same information. */
  abstract summary(options?: SummaryOptions): ModelSummary;
  /** A JSON-able description: the model's name and its layers' class names and configs. */
  abstract getConfig(): Record<string, unknown>;

  /** Every parameter, layer by layer (Keras `model.weights` order); a shared layer's once. */
  get parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters);
  }

  get trainableParameters(): Parameter[] {
    return this.layers.flatMap((l) => l.trainableParameters);
  }

  get nonTrainableParameters(): Parameter[] {
    return this.layers.flatMap((l) => l.nonTrainableParameters);
  }

  /** Weight-regularization penalties of all layers (call inside the loss function). */
  regularizationLosses(): Scalar[] {
    return this.layers.flatMap((l) => l.regularizationLosses());
  }

  /** Applies every layer's parameter constraints in place (after an optimizer step). */
  applyConstraints(): void {
    for (const l of this.layers) l.applyConstraints();
  }

  /** Total number of parameter values. */
  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /**
   * The layer with this name, or at this index of {@link layers} (negative counts from the end), as Keras
   * `get_layer(name)`. `NOT_FOUND` naming the model's layers (and the closest name) otherwise.
   */
  getLayer(nameOrIndex: string | number): Layer {
    const layers = this.layers;
    if (typeof nameOrIndex === 'number') {
      const i = nameOrIndex < 0 ? layers.length + nameOrIndex : nameOrIndex;
      const layer = Number.isInteger(nameOrIndex) ? layers[i] : undefined;
      if (layer === undefined) {
        throw new SteadygradError(
          'NOT_FOUND',
          `model '${this.name}' has ${layers.length} layers; there is no layer at index ${nameOrIndex}`,
          { details: { index: nameOrIndex, count: layers.length } },
        );
      }
      return layer;
    }
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (layer === undefined) {
      const names = layers.map((l) => l.name);
      const suggestion = typeof nameOrIndex === 'string' ? suggestName(nameOrIndex, names) : undefined;
      const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
      throw new SteadygradError(
        'NOT_FOUND',
        `model '${this.name}' has no layer named ${JSON.stringify(nameOrIndex)}.${hint} Its layers: ${names.join(', ')}`,
        { details: { name: nameOrIndex, layers: names, suggestion } },
      );
    }
    return layer;
  }

  /**
   * The model's output for `x` in inference mode, computed `batchSize` samples at a time (default 32) and
   * joined (Keras `model.predict`). Nothing else is kept.
   */
  predict(x: Tensor, options: { readonly batchSize?: number } = {}): Tensor {
    const { batchSize = 32 } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `predict: batchSize must be a positive integer, got ${batchSize}`,
      );
    }
    const n = x.shape[0] ?? 0;
    if (n <= batchSize) return this.apply(x, { training: false });
    const parts: Tensor[] = [];
    try {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const xb = tf.slice(x, [start], [size]);
        try {
          parts.push(this.apply(xb, { training: false }));
        } finally {
          xb.dispose();
        }
      }
      return tf.concat(parts, 0);
    } finally {
      for (const p of parts) p.dispose();
    }
  }

  /** Copies of every parameter's value, in {@link parameters} order (Keras `get_weights()`). */
  getWeights(): Tensor[] {
    return this.parameters.map((p) => tf.clone(p.variable));
  }

  /**
   * Sets every parameter from `weights` (in {@link parameters} order, as `getWeights()` returns them).
   * All or nothing: every entry is checked before any parameter changes — a wrong count or a value that is
   * not a live tensor throws `INVALID_ARGUMENT`, a dtype other than the parameter's (float32; string, int32
   * and bool tensors included) `DTYPE_MISMATCH`, a wrong shape `SHAPE_MISMATCH`, each naming the parameter —
   * and a rejected call changes no parameter and allocates nothing. Values are copied; the caller keeps
   * ownership of `weights`. (Keras's `set_weights` casts numeric arrays; steadygrad refuses instead, so an
   * int32 label tensor passed by mistake is an error, not a silently truncated weight.)
   */
  setWeights(weights: readonly Tensor[]): void {
    const params = this.parameters;
    const kind = (v: unknown): string =>
      v === null ? 'null' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
    if (!Array.isArray(weights) || weights.length !== params.length) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `model '${this.name}' has ${params.length} weights (${params.map((p) => p.name).join(', ')}), got ${Array.isArray(weights) ? weights.length : kind(weights)}`,
        { details: { expected: params.length, got: Array.isArray(weights) ? weights.length : undefined } },
      );
    }
    params.forEach((p, i) => {
      const w: unknown = weights[i];
      if (!(w instanceof tf.Tensor) || w.isDisposed) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `weight ${i} for '${p.name}' must be a live tensor, got ${w instanceof tf.Tensor ? 'a disposed tensor' : kind(w)}`,
          { details: { index: i, parameter: p.name } },
        );
      }
      if (w.dtype !== p.variable.dtype) {
        throw new SteadygradError(
          'DTYPE_MISMATCH',
          `weight ${i} for parameter '${p.name}' must be a ${p.variable.dtype} tensor, got ${w.dtype}`,
          { details: { index: i, parameter: p.name, expected: p.variable.dtype, got: w.dtype } },
        );
      }
      if (!tf.util.arraysEqual(w.shape, p.shape)) {
        throw new SteadygradError(
          'SHAPE_MISMATCH',
          `weight ${i} for parameter '${p.name}' must have shape [${p.shape.join(', ')}], got [${w.shape.join(', ')}]`,
          { details: { parameter: p.name, expected: p.shape, got: w.shape } },
        );
      }
    });
    // Every entry is a live tensor of the parameter's dtype and shape, so no assign below can fail.
    params.forEach((p, i) => {
      p.assign(weights[i] as Tensor);
    });
  }

  /** Frees every layer's parameters. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
  }
}
