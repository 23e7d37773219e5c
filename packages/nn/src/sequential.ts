import {
  checkNumber,
  checkOptions,
  optionKeys,
  RandomStream,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { Container } from './container.js';
import { type PlanStep, planChain, runChain } from './execution-plan.js';
import { type CallContext, formatShape, Layer, type Shape, toSnakeCase } from './layer.js';
import {
  type LayerSummary,
  type ModelSummary,
  printSummary,
  SUMMARY_KEYS,
  type SummaryOptions,
} from './summary-table.js';

export type { LayerSummary, ModelSummary, SummaryOptions };

/** Options of {@link Sequential}. */
export interface SequentialOptions {
  /** The model's name (default `'sequential'`), shown by `summary()`. */
  readonly name?: string;
  /**
   * Seed of the weight initialization (default `0`): layer `i` is built from the `(i+1)`-th fork of
   * `new RandomStream(seed)`, so the same seed gives the same weights and a layer's weights depend only on
   * the seed and its position, not on when the model is built.
   */
  readonly seed?: number;
}

const SEQUENTIAL_KEYS = optionKeys<SequentialOptions>()(['name', 'seed']);

/**
 * A linear stack of layers (Keras `Sequential`).
 *
 * - **Names.** A layer added without a name gets a Keras-like one unique within this model (`flatten`,
 *   `dense`, `dense_1`, ...; no global counters, so a fresh model always starts at `dense`). A name, once
 *   given or assigned, stays with the layer (a layer shared with another model keeps it). Two layers with
 *   the same name in one model is an error.
 * - **Building.** The model builds as soon as the input shape is known: eagerly when the first layer has
 *   `inputShape` (Keras `input_shape=[28, 28]`), on `build(shape)`, or else on the first `apply` (from
 *   that batch's shape). Layers added after that are built as they are added. Weights come from
 *   `seed` (see {@link SequentialOptions.seed}). Already-built layers (shared from another model) are
 *   reused as they are, after checking that their input shape fits.
 * - **Frozen layers.** A layer whose `trainable` is false contributes no trainable parameters. The
 *   `training` flag reaches every layer unchanged, as in Keras 3: a layer that behaves differently when
 *   frozen decides so itself (a frozen `BatchNormalization` runs in inference mode; a frozen `Dropout`
 *   still drops).
 * - **Ownership.** The model owns its layers' parameters; `dispose()` frees them (including those of
 *   layers shared with another model, which then cannot be used either).
 */
export class Sequential extends Container {
  readonly name: string;
  readonly seed: number;
  private readonly _layers: Layer[] = [];
  private _inputShape: Shape | undefined;
  private _outputShapes: Shape[] = [];
  private _built = false;
  private _plan: readonly PlanStep<Layer>[] = [];

  constructor(layers: readonly Layer[] = [], options: SequentialOptions = {}) {
    checkOptions('Sequential', options, SEQUENTIAL_KEYS);
    super();
    const { name = 'sequential', seed = 0 } = options;
    if (typeof name !== 'string' || name.length === 0) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `model name must be a non-empty string, got ${JSON.stringify(name)}`,
      );
    }
    this.name = name;
    this.seed = checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
    if (!Array.isArray(layers)) {
      throw new SteadygradError('INVALID_ARGUMENT', `layers must be an array of Layer, got ${typeof layers}`);
    }
    for (const layer of layers) this.add(layer);
  }

  /** The layers, in order. */
  get layers(): readonly Layer[] {
    return this._layers;
  }

  get built(): boolean {
    return this._built;
  }

  /**
   * Appends a layer: names it if it has no name yet, and builds it right away when the model is built
   * (or when it is the first layer and declares `inputShape`).
   */
  add(layer: Layer): void {
    if (!(layer instanceof Layer)) {
      throw new SteadygradError('INVALID_ARGUMENT', `Sequential.add expects a Layer, got ${describe(layer)}`);
    }
    if (this._layers.includes(layer)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `layer '${layer.name}' is already in model '${this.name}'`,
      );
    }
    const taken = new Set(this._layers.map((l) => l.name));
    if (layer.hasName) {
      if (taken.has(layer.name)) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `layer names must be unique within a model: '${layer.name}' is already used in model '${this.name}'`,
          { details: { name: layer.name } },
        );
      }
    } else {
      const base = toSnakeCase(layer.className);
      let candidate = base;
      for (let i = 1; taken.has(candidate); i++) candidate = `${base}_${i}`;
      layer.name = candidate;
    }
    this._layers.push(layer);
    if (this._built) {
      const index = this._layers.length - 1;
      const shape = this._outputShapes[index - 1] ?? (this._inputShape as Shape);
      try {
        this._outputShapes.push(this.buildLayer(index, shape));
      } finally {
        // Even when building failed: the layer stays in the model, and `apply` then reports it unbuilt.
        this._plan = planChain(this._layers);
      }
    } else if (this._layers.length === 1 && layer.inputShapeOption !== undefined) {
      this.build();
    } else if (this._layers.length === 1 && layer.built && layer.buildInputShape !== undefined) {
      this.build(layer.buildInputShape);
    }
  }

  /** The stream layer `index` is built from: the `(index+1)`-th fork of `new RandomStream(seed)`. */
  private layerStream(index: number): RandomStream {
    const root = new RandomStream(this.seed);
    let stream = root.fork();
    for (let i = 0; i < index; i++) stream = root.fork();
    return stream;
  }

  private buildLayer(index: number, inputShape: Shape): Shape {
    const layer = this._layers[index] as Layer;
    const rng = this.layerStream(index);
    if (!layer.built) {
      layer.build(inputShape, rng);
    } else {
      const own = layer.buildInputShape ?? inputShape;
      const fits =
        own.length === inputShape.length && own.every((d, i) => i === 0 || d === null || d === inputShape[i]);
      if (!fits) {
        throw new SteadygradError(
          'SHAPE_MISMATCH',
          `layer '${layer.name}' (${layer.className}) was built for input shape ${formatShape(own)}, but model '${this.name}' feeds it ${formatShape(inputShape)}`,
          { details: { layer: layer.name, expected: [...own], got: [...inputShape] } },
        );
      }
    }
    return layer.computeOutputShape(inputShape);
  }

  /**
   * Builds every layer for inputs of `inputShape` (including the batch dimension, `null`: `[null, 28, 28]`).
   * Without an argument, uses the first layer's `inputShape`. Throws `NOT_BUILT` when no shape is known
   * and `SHAPE_MISMATCH` when the given shape contradicts the first layer's `inputShape`.
   */
  build(inputShape?: Shape): void {
    const declared = this._layers[0]?.inputShapeOption;
    let shape: Shape;
    if (inputShape === undefined) {
      if (declared === undefined) throw this.notBuiltError();
      shape = [null, ...declared];
    } else {
      if (
        !Array.isArray(inputShape) ||
        inputShape.some((d) => d !== null && (!Number.isInteger(d) || d < 1))
      ) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `inputShape must be an array of positive integers or null (batch dimension first, e.g. [null, 28, 28]), got ${JSON.stringify(inputShape)}`,
        );
      }
      shape = [null, ...inputShape.slice(1)];
      if (declared !== undefined) {
        const matches = declared.length === shape.length - 1 && declared.every((d, i) => shape[i + 1] === d);
        if (!matches) {
          throw new SteadygradError(
            'SHAPE_MISMATCH',
            `model '${this.name}' expects input shape ${formatShape([null, ...declared])} (first layer's inputShape), got ${formatShape(inputShape)}`,
            { details: { expected: [null, ...declared], got: [...inputShape] } },
          );
        }
      }
    }
    if (this._built) {
      const same =
        this._inputShape !== undefined &&
        this._inputShape.length === shape.length &&
        this._inputShape.every((d, i) => d === shape[i]);
      if (same) return;
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `model '${this.name}' is already built for input shape ${formatShape(this._inputShape ?? [])}, got ${formatShape(shape)}`,
      );
    }
    const outputs: Shape[] = [];
    let current = shape;
    for (let i = 0; i < this._layers.length; i++) {
      current = this.buildLayer(i, current);
      outputs.push(current);
    }
    this._inputShape = Object.freeze([...shape]);
    this._outputShapes = outputs;
    this._plan = planChain(this._layers);
    this._built = true;
  }

  /**
   * The execution plan `apply` runs, compiled when the model builds (and again when a layer is added after
   * that): one step per layer, except where a layer's fusion rule fuses it with the layers after it (a
   * BatchNormalization followed by a Dense layer). Empty until the model is built.
   */
  get plan(): readonly PlanStep<Layer>[] {
    return this._plan;
  }

  private notBuiltError(): SteadygradError {
    return new SteadygradError(
      'NOT_BUILT',
      `model '${this.name}' is not built and its input shape is unknown: give the first layer an inputShape (e.g. new Flatten({ inputShape: [28, 28] })), call model.build([null, ...sampleShape]), or apply it to a batch first`,
    );
  }

  /** The model's input shape (batch dimension `null`), once known. */
  get inputShape(): Shape | undefined {
    if (this._inputShape !== undefined) return this._inputShape;
    const declared = this._layers[0]?.inputShapeOption;
    return declared === undefined ? undefined : [null, ...declared];
  }

  /** The model's output shape, once built. */
  get outputShape(): Shape | undefined {
    if (!this._built) return undefined;
    return this._outputShapes[this._outputShapes.length - 1] ?? this._inputShape;
  }

  /**
   * Runs `x` through every layer, by running the model's {@link plan} (so a fused pair runs as one op, with
   * the results of its layers applied one after the other). `ctx.training` defaults to `false` and, with the
   * rest of the context (`rng`, `losses`, `mcDropout`), reaches every layer unchanged. Builds the model first
   * if needed (from the first layer's `inputShape` or, failing that, from `x`'s shape). Intermediate tensors
   * are freed; only the output is returned.
   */
  apply(x: Tensor, ctx: Partial<CallContext> = {}): Tensor {
    if (this._layers.length === 0) {
      throw new SteadygradError('NOT_BUILT', `model '${this.name}' has no layers`);
    }
    if (!this._built) {
      if (this._layers[0]?.inputShapeOption !== undefined) this.build();
      else this.build([null, ...x.shape.slice(1)]);
    }
    const { training = false, ...rest } = ctx;
    const h = runChain(this._plan, x, { ...rest, training });
    return h === x ? tf.clone(h) : h;
  }

  /**
   * Prints a Keras-style table (`Layer (type) | Output Shape | Param #`, then total / trainable /
   * non-trainable counts) line by line through `print`, and returns the same information.
   * Builds the model if its input shape is known; `NOT_BUILT` otherwise.
   */
  summary(options: SummaryOptions = {}): ModelSummary {
    checkOptions('summary', options, SUMMARY_KEYS);
    checkNumber('lineLength', options.lineLength ?? 65, { min: 40, integer: true });
    if (!this._built) this.build();
    const layers: LayerSummary[] = this._layers.map((l, i) => ({
      name: l.name,
      className: l.className,
      outputShape: this._outputShapes[i] as Shape,
      params: l.countParams(),
      trainableParams: l.trainableParameters.reduce((n, p) => n + p.size, 0),
    }));
    return printSummary(this.name, layers, options, false);
  }

  /** `{ name, seed, layers: [{ className, config }] }` (Keras `Sequential.get_config()`'s shape). */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      seed: this.seed,
      layers: this._layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    };
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}
