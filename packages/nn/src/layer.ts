import {
  type Constraint,
  optionKeys,
  Parameter,
  type RandomStream,
  type Regularizer,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import type { FusionRule } from './fusion-rule.js';
import { checkInputShapeOption, checkLayerName, formatShape, toSnakeCase } from './layer-names.js';
import {
  callSymbolic,
  inboundNodes,
  isSymbolic,
  type LayerNode,
  onlyNode,
  type SymbolicTensor,
} from './symbolic-tensor.js';

/**
 * What a layer's forward pass is told. `training` selects training behaviour (batch statistics, dropout);
 * `rng` supplies randomness for stochastic layers (dropout masks); `losses`, when given, collects extra
 * loss terms the layer adds during the call (activity regularization), which the training loop adds to the
 * loss.
 */
export interface CallContext {
  readonly training: boolean;
  readonly rng?: RandomStream;
  readonly losses?: Scalar[];
  /**
   * MC Dropout (seed cell 38): dropout-like layers stay active while `training` is false, so every other
   * layer (batch normalization above all) keeps its inference behaviour and its moving statistics.
   */
  readonly mcDropout?: boolean;
}

/** A tensor shape where `null` stands for a dimension not known in advance (the batch dimension). */
export type Shape = readonly (number | null)[];

export { formatShape, toSnakeCase };

/** Options every layer accepts. */
export interface LayerOptions {
  /** The layer's name; when omitted, the `Sequential` it is added to picks a Keras-like one (`dense_1`). */
  readonly name?: string;
  /** Whether the layer's parameters are trained (default `true`). */
  readonly trainable?: boolean;
  /** The input shape without the batch dimension (Keras `input_shape=[28, 28]`): lets a model build eagerly. */
  readonly inputShape?: readonly number[];
}

/** The option keys every layer accepts ({@link LayerOptions}); each layer adds its own to these for `checkOptions`. */
export const LAYER_KEYS = optionKeys<LayerOptions>()(['name', 'trainable', 'inputShape']);

/** Options of {@link Layer.addParameter}. */
export interface AddParameterOptions {
  /** Whether an optimizer may update the parameter (default `true`); BN moving statistics pass `false`. */
  readonly trainable?: boolean;
  readonly regularizer?: Regularizer;
  readonly constraint?: Constraint;
}

interface ParameterRecord {
  readonly parameter: Parameter;
  /** Declared trainability; the effective flag is `declared && layer.trainable`. */
  readonly declaredTrainable: boolean;
  readonly regularizer: Regularizer | undefined;
  readonly constraint: Constraint | undefined;
}

/**
 * The base class of every layer (Keras `keras.layers.Layer`).
 *
 * Life cycle: construct with hyperparameters → `build(inputShape, rng)` creates the parameters (a
 * `Sequential` does this from its seed, in layer order) → `apply(x, ctx)` checks the input and runs `call`.
 *
 * Subclasses implement `call` (the forward pass), set `className`, and, when they own parameters, override
 * `build` to create them with {@link addParameter} and finish with `super.build(inputShape, rng)`, which
 * records the input shape and marks the layer built. Shape-changing layers override
 * {@link computeOutputShape}; layers that accept more than one exact input shape override
 * {@link checkInputShape}.
 *
 * Memory: `call` returns one new tensor and frees its intermediates (wrap them in `tf.tidy`); losses it
 * pushes into `ctx.losses` must be created outside that tidy, because the caller owns them.
 *
 * Names: a layer created without `name` is named by the `Sequential` it joins (`dense`, `dense_1`, ...,
 * unique within that model); before that, `name` reads as the snake-cased class name. The name is frozen
 * once the layer is built, because parameter names (`${layer.name}/kernel`) derive from it.
 */
export abstract class Layer {
  /** The Keras class name (`'Dense'`), shown by `summary()`. */
  abstract readonly className: string;
  /** The input shape given at construction (without the batch dimension), if any. */
  readonly inputShapeOption: readonly number[] | undefined;

  private _name: string | undefined;
  private _trainable: boolean;
  private _built = false;
  private _buildInputShape: Shape | undefined;
  private readonly _records: ParameterRecord[] = [];

  constructor(options: LayerOptions = {}) {
    const { name, trainable = true, inputShape } = options;
    this._name = name === undefined ? undefined : checkLayerName(name);
    if (typeof trainable !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `trainable must be a boolean, got ${JSON.stringify(trainable)}`,
      );
    }
    this._trainable = trainable;
    this.inputShapeOption = checkInputShapeOption(inputShape);
  }

  /** The layer's name (see the class notes for how unnamed layers get one). */
  get name(): string {
    return this._name ?? toSnakeCase(this.className);
  }

  set name(value: string) {
    if (this._built && value !== this.name) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `cannot rename layer '${this.name}' to '${value}' after it is built: its parameter names derive from it`,
      );
    }
    this._name = checkLayerName(value);
  }

  /** True once the layer has a name of its own (given, or assigned by a model, or frozen by building). */
  get hasName(): boolean {
    return this._name !== undefined;
  }

  /** Whether the layer's parameters are trained. Setting it propagates to the parameters' flags. */
  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(value: boolean) {
    if (typeof value !== 'boolean') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `trainable must be a boolean, got ${JSON.stringify(value)}`,
      );
    }
    this._trainable = value;
    for (const r of this._records) r.parameter.trainable = value && r.declaredTrainable;
  }

  get built(): boolean {
    return this._built;
  }

  /** The shape the layer was built for (batch dimension `null`), once built. */
  get buildInputShape(): Shape | undefined {
    return this._buildInputShape;
  }

  /**
   * Creates the layer's parameters for inputs of `inputShape` (batch dimension `null`), drawing random
   * values from `rng`. Subclasses that own parameters override this and call `super.build(inputShape, rng)`
   * last. Building twice throws.
   */
  build(inputShape: Shape, _rng: RandomStream): void {
    if (this._built) {
      throw new SteadygradError('INVALID_ARGUMENT', `layer '${this.name}' is already built`);
    }
    this._name ??= this.name;
    this._buildInputShape = Object.freeze([...inputShape]);
    this._built = true;
  }

  /**
   * Creates a parameter named `${layer.name}/${name}` and registers it with this layer. The layer takes
   * ownership of nothing: `initial` is copied into a variable and may be disposed by the caller.
   */
  protected addParameter(name: string, initial: Tensor, options: AddParameterOptions = {}): Parameter {
    const { trainable = true, regularizer, constraint } = options;
    this._name ??= this.name;
    const fullName = `${this.name}/${name}`;
    if (this._records.some((r) => r.parameter.name === fullName)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `layer '${this.name}' already has a parameter '${fullName}'`,
      );
    }
    const parameter = new Parameter(fullName, initial, { trainable: trainable && this._trainable });
    this._records.push({ parameter, declaredTrainable: trainable, regularizer, constraint });
    return parameter;
  }

  /** The forward pass. `apply` has already checked that the layer is built and the input shape fits. */
  abstract call(x: Tensor, ctx: CallContext): Tensor;

  /** The output shape for an input shape (batch dimension `null`). Default: unchanged. */
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  /**
   * Throws `SHAPE_MISMATCH` (naming the layer, expected vs got) when `shape` does not fit the shape the
   * layer was built for. Default: same rank, same size on every axis but the batch axis.
   */
  protected checkInputShape(shape: readonly number[]): void {
    const expected = this._buildInputShape;
    if (expected === undefined) return;
    const ok =
      shape.length === expected.length && expected.every((d, i) => i === 0 || d === null || d === shape[i]);
    if (!ok) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${this.name}' (${this.className}) expects input shape ${formatShape(expected)}, got [${shape.join(', ')}]`,
        { details: { layer: this.name, expected: [...expected], got: [...shape] } },
      );
    }
  }

  /**
   * On tensors: checks that the layer is built (`NOT_BUILT` otherwise) and that `x` has the shape it was
   * built for (`SHAPE_MISMATCH`), then runs `call`. `ctx.training` defaults to `false`. Does not check values
   * for NaN (the training loop does that once per batch). A one-element array stands for its element;
   * layers that take several inputs (merge layers) override {@link applyInputs}.
   *
   * On symbolic tensors (from `input()` or another layer's symbolic call): records the call for a
   * functional `Model` and returns the symbolic output (Keras `layer(x)`, tfjs-layers `layer.apply(x)`),
   * after checking that the shapes fit (`SHAPE_MISMATCH` naming the layer); nothing is computed or built.
   */
  apply(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor;
  apply(x: Tensor | readonly Tensor[], ctx?: Partial<CallContext>): Tensor;
  apply(
    x: Tensor | readonly Tensor[] | SymbolicTensor | readonly SymbolicTensor[],
    ctx: Partial<CallContext> = {},
  ): Tensor | SymbolicTensor {
    if (isSymbolic(x)) return callSymbolic(this, x);
    if (Array.isArray(x)) return this.applyInputs(x as readonly Tensor[], ctx);
    const t = x as Tensor;
    this.checkApply(t);
    const { training = false, ...rest } = ctx;
    return this.call(t, { ...rest, training });
  }

  /** `apply` on a list of input tensors: one for most layers (`INVALID_ARGUMENT` otherwise). */
  applyInputs(xs: readonly Tensor[], ctx: Partial<CallContext> = {}): Tensor {
    if (xs.length !== 1) throw this.singleInputError(xs.length);
    return this.apply(xs[0] as Tensor, ctx);
  }

  private singleInputError(n: number): SteadygradError {
    return new SteadygradError(
      'INVALID_ARGUMENT',
      `layer '${this.name}' (${this.className}) takes one input, got ${n}; merge several with Add, Concatenate or Multiply`,
      { details: { layer: this.name, inputs: n } },
    );
  }

  /**
   * The output shape for a call on inputs of these shapes (batch dimension `null`), after checking that
   * they fit: a built layer checks them against its build shape. Default: one input, then
   * {@link computeOutputShape}. Merge layers override it.
   */
  symbolicOutputShape(shapes: readonly Shape[]): Shape {
    if (shapes.length !== 1) throw this.singleInputError(shapes.length);
    const shape = shapes[0] as Shape;
    if (this._built) this.checkInputShape(shape as readonly number[]);
    return this.computeOutputShape(shape);
  }

  /** Builds for the input shapes of a call (one shape for most layers; merge layers override it). */
  buildFromShapes(shapes: readonly Shape[], rng: RandomStream): void {
    if (shapes.length !== 1) throw this.singleInputError(shapes.length);
    this.build(shapes[0] as Shape, rng);
  }

  /** The layer's calls on symbolic tensors, in call order (Keras `layer._inbound_nodes`). */
  get inboundNodes(): readonly LayerNode[] {
    return inboundNodes(this);
  }

  /**
   * The symbolic output of the layer's only call (Keras `layer.output`): how a sub-model is cut from an
   * intermediate layer. `INVALID_ARGUMENT` when the layer was called at several places or never.
   */
  get output(): SymbolicTensor {
    return onlyNode(this, 'output').outputs[0] as SymbolicTensor;
  }

  /** The symbolic input of the layer's only call (Keras `layer.input`); several inputs give the first. */
  get input(): SymbolicTensor {
    const node = onlyNode(this, 'input');
    return (node.inputs[0] ?? node.outputs[0]) as SymbolicTensor;
  }

  /** What `apply` checks before `call`: built (`NOT_BUILT`) and the input shape (`SHAPE_MISMATCH`). */
  protected checkApply(x: Tensor): void {
    if (!this._built) {
      throw new SteadygradError(
        'NOT_BUILT',
        `layer '${this.name}' (${this.className}) is not built: call layer.build(inputShape, rng) with the input shape (batch dimension null), or add it to a Sequential model, which builds its layers from its seed`,
        { details: { layer: this.name } },
      );
    }
    this.checkInputShape(x.shape);
  }

  /**
   * The fusion rules this layer declares as the first layer of a chain ({@link FusionRule}): what a
   * container's execution plan tries, in order, when it builds. Declared by the layer that owns the math
   * (normalization's `BatchNormalization` declares BatchNormalization → Dense). Default: none.
   */
  get fusionRules(): readonly FusionRule[] {
    return [];
  }

  /** All parameters of this layer, in creation order (Keras `layer.variables` / `layer.weights`). */
  get parameters(): Parameter[] {
    return this._records.map((r) => r.parameter);
  }

  /** Parameters an optimizer updates: declared trainable, in a trainable layer. */
  get trainableParameters(): Parameter[] {
    return this._records.filter((r) => r.declaredTrainable && this._trainable).map((r) => r.parameter);
  }

  /** Parameters no optimizer updates (moving statistics; everything when the layer is frozen). */
  get nonTrainableParameters(): Parameter[] {
    return this._records.filter((r) => !(r.declaredTrainable && this._trainable)).map((r) => r.parameter);
  }

  /**
   * Weight-regularization penalties of this layer's parameters (one scalar per regularized parameter),
   * computed now from the current values. Differentiable: call inside the loss function.
   */
  regularizationLosses(): Scalar[] {
    const out: Scalar[] = [];
    for (const r of this._records) {
      if (r.regularizer !== undefined) out.push(r.regularizer.penalty(r.parameter.variable));
    }
    return out;
  }

  /** Projects each constrained parameter in place (`w ← constraint(w)`), as Keras does after each step. */
  applyConstraints(): void {
    for (const r of this._records) {
      if (r.constraint === undefined) continue;
      const { constraint, parameter } = r;
      tf.tidy(() => {
        parameter.assign(constraint.apply(parameter.variable));
      });
    }
  }

  /** Hyperparameters, for summaries and serialization. Subclasses extend it. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this._trainable };
    if (this.inputShapeOption !== undefined) config.inputShape = [...this.inputShapeOption];
    return config;
  }

  /**
   * The options that recreate this layer as `new (this.constructor)(options)`, unbuilt (transfer's
   * `cloneLayer` uses them): by default {@link getConfig}. A layer whose configuration holds objects that
   * `getConfig` can only describe (initializers, regularizers, constraints) overrides it to return those
   * objects themselves, so a clone carries them.
   */
  cloneOptions(): Record<string, unknown> {
    return this.getConfig();
  }

  /** Number of scalar values in this layer's parameters. */
  countParams(): number {
    return this._records.reduce((n, r) => n + r.parameter.size, 0);
  }

  /**
   * @internal Undoes `build` for a model whose construction failed (frees and forgets the parameters), so a
   * rejected model changes nothing.
   */
  unbuild(): void {
    this.dispose();
    this._records.length = 0;
    this._built = false;
    this._buildInputShape = undefined;
  }

  /** @internal Undoes a model's naming of an unnamed layer (see {@link unbuild}). */
  forgetName(): void {
    if (!this._built) this._name = undefined;
  }

  /** Frees the parameters' memory. The layer cannot be used afterwards. */
  dispose(): void {
    for (const r of this._records) r.parameter.dispose();
  }
}
