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
import { compilePlan, type PlanStep, runStep } from './execution-plan.js';
import { type FunctionalGraph, mapGraph } from './functional-graph.js';
import { InputLayer } from './input-layer.js';
import { type CallContext, formatShape, type Layer, type Shape, toSnakeCase } from './layer.js';
import {
  type LayerSummary,
  type ModelSummary,
  printSummary,
  SUMMARY_KEYS,
  type SummaryOptions,
} from './summary-table.js';
import type { LayerNode, SymbolicTensor } from './symbolic-tensor.js';

/** Options of {@link Model}. */
export interface ModelOptions {
  /** The model's input(s): what {@link input} returned. */
  readonly inputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's output(s): symbolic tensors computed from the inputs. */
  readonly outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** The model's name (default `'functional'`, as Keras 3). */
  readonly name?: string;
  /**
   * Seed of the weight initialization of the layers this model builds (default `0`): the `k`-th layer that is
   * not an input layer is built from the `(k+1)`-th fork of `new RandomStream(seed)`, as in `Sequential`, so a
   * chain of layers gets the weights a `Sequential` of the same layers and seed gets.
   */
  readonly seed?: number;
}

const MODEL_KEYS = optionKeys<ModelOptions>()(['inputs', 'outputs', 'name', 'seed']);

const MODEL_OPTIONS = ['inputs', 'outputs', 'name', 'seed'] as const;

/**
 * A functional model (Keras `keras.Model(inputs, outputs)`): any directed acyclic graph of layer calls,
 * with one or several inputs and outputs, branches and merges (residual `Add`, `Concatenate`), and layers
 * shared between call sites (one set of weights). Build it by calling layers on symbolic tensors:
 *
 * ```ts
 * const x = input({ shape: [16] });
 * const h = new Dense({ units: 16, activation: 'relu' }).apply(x);
 * const y = new Dense({ units: 3 }).apply(new Add().apply([x, h]));
 * const model = new Model({ inputs: x, outputs: y });
 * ```
 *
 * - **Building.** The constructor checks the graph (see `mapGraph`), names unnamed layers uniquely within the
 *   model (`dense`, `dense_1`, ...) and builds the layers that are not built yet from `seed`; layers that
 *   are built already (taken from another model: a sub-model `new Model({ inputs: base.inputs, outputs:
 *   base.getLayer('block_3').output })`) keep their weights. A rejected graph changes nothing.
 * - **Running.** `apply(x)` / `applyAll(xs)` run the model's {@link plan} (the nodes in order, a fused chain
 *   as one op), freeing each intermediate tensor after its last reader. The `training` flag and the rest of the context reach every layer unchanged, as in
 *   `Sequential` (a frozen `BatchNormalization` runs in inference mode). `compile`/`fit`/`evaluate`/`predict`,
 *   checkpoints, `freeze` and `cloneModel` take a functional model as they take a `Sequential`.
 */
export class Model extends Container {
  readonly name: string;
  readonly seed: number;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  private readonly graph: FunctionalGraph;
  private readonly _plan: readonly PlanStep<LayerNode>[];

  constructor(options: ModelOptions) {
    checkOptions('Model', options, MODEL_KEYS);
    super();
    checkOptions('Model', options, MODEL_OPTIONS);
    const { inputs, outputs, name = 'functional', seed = 0 } = options ?? ({} as ModelOptions);
    if (typeof name !== 'string' || name.length === 0) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `model name must be a non-empty string, got ${JSON.stringify(name)}`,
      );
    }
    this.name = name;
    this.seed = checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
    this.inputs = Object.freeze(toList(inputs));
    this.outputs = Object.freeze(toList(outputs));
    this.graph = mapGraph(name, this.inputs, this.outputs);
    this.nameAndBuild();
    this._plan = planGraph(this.graph);
  }

  /**
   * The execution plan `apply` / `applyAll` run, compiled by the constructor with `Sequential`'s planner: one
   * step per call, except where a layer's fusion rule fuses a call with the calls that alone read its output
   * (a BatchNormalization whose only reader is a Dense layer).
   */
  get plan(): readonly PlanStep<LayerNode>[] {
    return this._plan;
  }

  /** Names the unnamed layers, then builds the unbuilt ones; on failure undoes both and rethrows. */
  private nameAndBuild(): void {
    const layers = this.graph.layers;
    const taken = new Set<string>();
    for (const layer of layers) {
      if (!layer.hasName) continue;
      if (taken.has(layer.name)) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `layer names must be unique within a model: two layers of model '${this.name}' are named '${layer.name}'`,
          { details: { name: layer.name } },
        );
      }
      taken.add(layer.name);
    }
    const named: Layer[] = [];
    const built: Layer[] = [];
    try {
      for (const layer of layers) {
        if (layer.hasName) continue;
        const base = toSnakeCase(layer.className);
        let candidate = base;
        for (let i = 1; taken.has(candidate); i++) candidate = `${base}_${i}`;
        layer.name = candidate;
        taken.add(candidate);
        named.push(layer);
      }
      const root = new RandomStream(this.seed);
      for (const layer of layers) {
        if (layer instanceof InputLayer) {
          if (!layer.built) {
            layer.build(layer.shape, root);
            built.push(layer);
          }
          continue;
        }
        const rng = root.fork();
        if (layer.built) continue;
        const node = this.graph.nodes.find((n) => n.layer === layer) as LayerNode;
        layer.buildFromShapes(
          node.inputs.map((t) => t.shape),
          rng,
        );
        built.push(layer);
      }
    } catch (e) {
      for (const layer of built) layer.unbuild();
      for (const layer of named) layer.forgetName();
      throw e;
    }
  }

  get layers(): readonly Layer[] {
    return this.graph.layers;
  }

  get built(): boolean {
    return true;
  }

  get inputShape(): Shape | undefined {
    return this.inputs[0]?.shape;
  }

  get outputShape(): Shape | undefined {
    return this.outputs[0]?.shape;
  }

  /** A functional model is built by its constructor; this only checks that `inputShape` fits its first input. */
  build(inputShape?: Shape): void {
    if (inputShape === undefined) return;
    const own = this.inputs[0]?.shape as Shape;
    if (!fits(own, inputShape)) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `model '${this.name}' expects input shape ${formatShape(own)}, got ${formatShape(inputShape)}`,
        { details: { expected: [...own], got: [...inputShape] } },
      );
    }
  }

  /** The output for a single-output model (`applyAll` returns every output). Inputs: one tensor, or one per input. */
  apply(x: Tensor | readonly Tensor[], ctx: Partial<CallContext> = {}): Tensor {
    if (this.outputs.length !== 1) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `model '${this.name}' has ${this.outputs.length} outputs: use model.applyAll(inputs, ctx)`,
      );
    }
    return this.applyAll(x, ctx)[0] as Tensor;
  }

  /**
   * Runs the graph on `inputs` (a tensor per model input, in order; a single tensor for a one-input model)
   * and returns one new tensor per output. Checks every input's shape against its `input()` (`SHAPE_MISMATCH`
   * naming the input) before computing anything; casts an input to its declared dtype. On any error every
   * tensor made so far is freed. `ctx.training` defaults to `false`.
   */
  applyAll(inputs: Tensor | readonly Tensor[], ctx: Partial<CallContext> = {}): Tensor[] {
    const xs = inputs instanceof tf.Tensor ? [inputs] : Array.isArray(inputs) ? [...inputs] : [];
    this.checkInputs(xs, inputs);
    const { training = false, ...rest } = ctx;
    const call: CallContext = { ...rest, training };
    const { uses } = this.graph;
    const values = new Map<SymbolicTensor, Tensor>();
    const refs = new Map<Tensor, number>();
    const given = new Set<Tensor>(xs);
    const hold = (s: SymbolicTensor, t: Tensor) => {
      values.set(s, t);
      refs.set(t, (refs.get(t) ?? 0) + (uses.get(s) ?? 0));
    };
    const release = (t: Tensor) => {
      const left = (refs.get(t) ?? 0) - 1;
      refs.set(t, left);
      if (left <= 0 && !given.has(t)) {
        refs.delete(t);
        t.dispose();
      }
    };
    try {
      this.inputs.forEach((s, i) => {
        const x = xs[i] as Tensor;
        const dtype = (s.layer as InputLayer).dtype;
        hold(s, x.dtype === dtype ? x : tf.cast(x, dtype));
      });
      for (const step of this._plan) {
        const node = step.nodes[0] as LayerNode;
        const last = step.nodes[step.nodes.length - 1] as LayerNode;
        const args = node.inputs.map((s) => values.get(s) as Tensor);
        const out =
          args.length === 1 ? runStep(step, args[0] as Tensor, call) : node.layer.applyInputs(args, call);
        hold(last.outputs[0] as SymbolicTensor, out);
        for (const s of node.inputs) release(values.get(s) as Tensor);
      }
      // The outputs are the caller's: new tensors, one per output even when two outputs are the same tensor.
      const seen = new Set<Tensor>();
      return this.outputs.map((s) => {
        const t = values.get(s) as Tensor;
        if (given.has(t) || seen.has(t)) return tf.clone(t);
        seen.add(t);
        return t;
      });
    } catch (e) {
      for (const [t, n] of refs) if (n > 0 && !given.has(t)) t.dispose();
      throw e;
    }
  }

  private checkInputs(xs: readonly Tensor[], given: unknown): void {
    if (xs.length !== this.inputs.length || xs.some((x) => !(x instanceof tf.Tensor) || x.isDisposed)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `model '${this.name}' takes ${this.inputs.length} input tensor(s) (${this.inputs.map((t) => t.layer.name).join(', ')}), got ${describeInputs(given)}`,
      );
    }
    this.inputs.forEach((s, i) => {
      const shape = (xs[i] as Tensor).shape;
      if (!fits(s.shape, shape)) {
        throw new SteadygradError(
          'SHAPE_MISMATCH',
          `input '${s.layer.name}' of model '${this.name}' expects shape ${formatShape(s.shape)}, got [${shape.join(', ')}]`,
          { details: { layer: s.layer.name, expected: [...s.shape], got: [...shape] } },
        );
      }
    });
  }

  /** Keras 2's functional summary: `Layer (type) | Output Shape | Param # | Connected to`, 98 characters wide. */
  summary(options: SummaryOptions = {}): ModelSummary {
    checkOptions('summary', options, SUMMARY_KEYS);
    const { nodeIndex } = this.graph;
    const nodes = [...this.graph.inputNodes, ...this.graph.nodes];
    const layers: LayerSummary[] = this.graph.layers.map((layer) => {
      const own = nodes.filter((n) => n.layer === layer);
      const shapes = own.map((n) => (n.outputs[0] as SymbolicTensor).shape);
      const first = shapes[0] as Shape;
      const same = shapes.every((s) => s.length === first.length && s.every((d, i) => d === first[i]));
      return {
        name: layer.name,
        className: layer.className,
        outputShape: first,
        multiple: !same,
        params: layer.countParams(),
        trainableParams: layer.trainableParameters.reduce((n, p) => n + p.size, 0),
        connectedTo: own.flatMap((n) =>
          n.inputs.map((s) => `${s.layer.name}[${nodeIndex.get(s.node) ?? 0}][${s.outputIndex}]`),
        ),
      };
    });
    return printSummary(this.name, layers, options, true);
  }

  /**
   * Keras' functional config: `{ name, layers: [{ className, name, config, inboundNodes }], inputLayers,
   * outputLayers }`, where a connection is `[layerName, nodeIndex, tensorIndex]` with node indices counted
   * within this model (what tfjs-layers' `model.json` stores, in snake_case there).
   */
  getConfig(): Record<string, unknown> {
    const { nodeIndex } = this.graph;
    const ref = (s: SymbolicTensor) => [s.layer.name, nodeIndex.get(s.node) ?? 0, s.outputIndex];
    const nodes = this.graph.nodes;
    return {
      name: this.name,
      seed: this.seed,
      layers: this.graph.layers.map((layer) => ({
        className: layer.className,
        name: layer.name,
        config: layer.getConfig(),
        inboundNodes: nodes
          .filter((n) => n.layer === layer)
          .sort((a, b) => (nodeIndex.get(a) ?? 0) - (nodeIndex.get(b) ?? 0))
          .map((n) => n.inputs.map(ref)),
      })),
      inputLayers: this.inputs.map(ref),
      outputLayers: this.outputs.map(ref),
    };
  }

  /** The nodes of this model in execution order (input nodes excluded), and each node's index within the model. */
  get graphNodes(): {
    readonly nodes: readonly LayerNode[];
    readonly nodeIndex: ReadonlyMap<LayerNode, number>;
  } {
    return { nodes: this.graph.nodes, nodeIndex: this.graph.nodeIndex };
  }
}

/** The plan of a functional graph: a call joins a chain when it alone reads the previous call's output. */
function planGraph(graph: FunctionalGraph): readonly PlanStep<LayerNode>[] {
  const readers = new Map<SymbolicTensor, LayerNode[]>();
  for (const node of graph.nodes) {
    for (const s of node.inputs) readers.set(s, [...(readers.get(s) ?? []), node]);
  }
  return compilePlan<LayerNode>({
    nodes: graph.nodes,
    layerOf: (n) => n.layer,
    readsOne: (n) => n.inputs.length === 1,
    soleReader: (n) => {
      const out = n.outputs[0] as SymbolicTensor;
      const r = readers.get(out);
      // `uses` counts readers and appearances among the outputs: 1 with one reader = not a model output.
      return graph.uses.get(out) === 1 && r?.length === 1 ? r[0] : undefined;
    },
  });
}

function toList(x: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor[] {
  if (Array.isArray(x)) return [...(x as readonly SymbolicTensor[])];
  return [x as SymbolicTensor];
}

/** Same rank, and every known non-batch axis equal. */
function fits(expected: Shape, got: Shape): boolean {
  return expected.length === got.length && expected.every((d, i) => i === 0 || d === null || d === got[i]);
}

function describeInputs(x: unknown): string {
  if (Array.isArray(x)) return `${x.length} value(s)`;
  if (x instanceof tf.Tensor) return x.isDisposed ? 'a disposed tensor' : 'one tensor';
  return typeof x;
}
