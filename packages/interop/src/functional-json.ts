import { SteadygradError } from '@steadygrad/core';
import { InputLayer, input, type Layer, Model, type Shape, type SymbolicTensor } from '@steadygrad/nn';
import type { KerasLayerJson } from './keras-format.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function corrupt(message: string, details: Json = {}): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', message, { details });
}

/** One entry of a functional `modelTopology.config.layers`: a layer and the calls that feed it. */
export interface FunctionalLayerJson extends KerasLayerJson {
  readonly name: string;
  /** One list per call of the layer; each connection is `[layerName, nodeIndex, tensorIndex, kwargs]`. */
  readonly inbound_nodes: readonly (readonly (readonly [string, number, number, Json])[])[];
}

/** `modelTopology.config` of a functional model (tfjs-layers `class_name: "Model"`, Keras 3 `"Functional"`). */
export interface FunctionalConfigJson {
  readonly name: string;
  readonly layers: readonly FunctionalLayerJson[];
  readonly input_layers: readonly (readonly [string, number, number])[];
  readonly output_layers: readonly (readonly [string, number, number])[];
}

/**
 * The functional part of a `model.json`: every layer (input layers as `InputLayer` with their
 * `batch_input_shape`), its inbound nodes with node indices counted within the model, and the model's input
 * and output layers — the format tfjs-layers' `Container.getConfig` writes.
 */
export function functionalConfig(
  model: Model,
  layerToKeras: (layer: Layer) => KerasLayerJson,
): FunctionalConfigJson {
  const config = model.getConfig() as {
    layers: { name: string; inboundNodes: (readonly [string, number, number])[][] }[];
    inputLayers: (readonly [string, number, number])[];
    outputLayers: (readonly [string, number, number])[];
  };
  const layers = model.layers.map((layer, i): FunctionalLayerJson => {
    const entry = config.layers[i] as (typeof config.layers)[number];
    const inbound = entry.inboundNodes.map((node) => node.map(([n, k, t]) => [n, k, t, {}] as const));
    if (layer instanceof InputLayer) {
      return {
        class_name: 'InputLayer',
        name: layer.name,
        config: { batch_input_shape: [...layer.shape], dtype: layer.dtype, sparse: false, name: layer.name },
        inbound_nodes: [],
      };
    }
    const json = layerToKeras(layer);
    return { ...json, name: layer.name, inbound_nodes: inbound };
  });
  return { name: model.name, layers, input_layers: config.inputLayers, output_layers: config.outputLayers };
}

/** A connection: `[layerName, nodeIndex, tensorIndex]`. */
export type Ref = readonly [string, number, number];

/** A connection `[name, node, tensor, ...]` (tfjs / Keras 2) or a Keras 3 `__keras_tensor__`'s `keras_history`. */
function parseRef(where: string, v: unknown): Ref {
  const history = isObject(v) && isObject(v.config) ? v.config.keras_history : v;
  if (
    !Array.isArray(history) ||
    history.length < 3 ||
    typeof history[0] !== 'string' ||
    !Number.isInteger(history[1]) ||
    !Number.isInteger(history[2]) ||
    (history[1] as number) < 0 ||
    (history[2] as number) < 0
  ) {
    throw corrupt(
      `${where}: a connection must be [layerName, nodeIndex, tensorIndex], got ${JSON.stringify(v)?.slice(0, 80)}`,
    );
  }
  return [history[0], history[1] as number, history[2] as number];
}

/** The connections of one inbound node, in the tfjs / Keras 2 list form or the Keras 3 `{ args, kwargs }` form. */
function parseNode(where: string, node: unknown): Ref[] {
  if (Array.isArray(node)) return node.map((c) => parseRef(where, c));
  if (isObject(node) && Array.isArray(node.args)) {
    const refs: Ref[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) for (const x of v) walk(x);
      else if (isObject(v) && v.class_name === '__keras_tensor__') refs.push(parseRef(where, v));
    };
    walk(node.args);
    return refs;
  }
  throw corrupt(
    `${where}: an inbound node must be a list of connections, got ${JSON.stringify(node)?.slice(0, 80)}`,
  );
}

function refList(where: string, v: unknown): Ref[] {
  if (!Array.isArray(v) || v.length === 0)
    throw corrupt(`${where} must be a non-empty list of [layerName, 0, 0]`);
  // Keras 3 writes a single input as ['name', 0, 0] rather than [['name', 0, 0]].
  if (typeof v[0] === 'string') return [parseRef(where, v)];
  return v.map((r) => parseRef(where, r));
}

/** One layer entry of a functional file: its Keras JSON, its calls' connections, and where to point errors. */
export interface FunctionalEntry {
  readonly entry: KerasLayerJson;
  readonly nodes: readonly Ref[][];
  readonly where: string;
}

/** One call of a (non-input) layer: the layer's name, the call's index among its calls and its inputs. */
export interface FunctionalCall {
  readonly name: string;
  readonly k: number;
  readonly node: readonly Ref[];
}

/** A functional `config`, parsed and checked: its layers, inputs, outputs and every call in a runnable order. */
export interface FunctionalGraph {
  readonly name: string;
  readonly entries: ReadonlyMap<string, FunctionalEntry>;
  readonly inputRefs: readonly Ref[];
  readonly outputRefs: readonly Ref[];
  /** Every call of a non-input layer, each after the calls that make its inputs. */
  readonly order: readonly FunctionalCall[];
}

/** The key of a layer call's output: `(name, node)`. */
export const nodeKey = (name: string, node: number): string => `${name}\u0000${node}`;

/**
 * Parses and checks a `model.json`'s functional `config` (tfjs-layers `"Model"`, Keras `"Functional"`;
 * inbound nodes in the tfjs / Keras 2 list form or the Keras 3 `args` form) without making any layer: every
 * connection names a layer of the file (`CORRUPT_DATA` naming the layer whose inbound node names a missing
 * one, or a missing node), input and output layers exist, and the calls are put in an order where each runs
 * after its inputs (Kahn's algorithm, linear in the connections); a cycle is `CORRUPT_DATA` naming the layers
 * on it.
 */
export function parseFunctional(config: Json, source: string): FunctionalGraph {
  const rawLayers = config.layers;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0)
    throw corrupt(`${source}: modelTopology.config.layers must be a non-empty array`);
  const entries = new Map<string, FunctionalEntry>();
  rawLayers.forEach((raw: unknown, i: number) => {
    if (!isObject(raw) || typeof raw.class_name !== 'string' || !isObject(raw.config)) {
      throw corrupt(`${source}: layer ${i} must be { class_name, config, inbound_nodes }`);
    }
    const name = typeof raw.name === 'string' ? raw.name : raw.config.name;
    const where = `${source}: layer ${typeof name === 'string' ? `'${name}'` : i} (${raw.class_name})`;
    if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
      throw corrupt(`${where}: name must be a non-empty string without '/', got ${JSON.stringify(name)}`);
    }
    if (entries.has(name)) throw corrupt(`${where}: duplicate layer name`, { layer: name });
    const inbound = raw.inbound_nodes ?? [];
    if (!Array.isArray(inbound)) throw corrupt(`${where}: inbound_nodes must be an array`, { layer: name });
    const nodes = inbound.map((n: unknown) => parseNode(where, n));
    entries.set(name, {
      entry: { class_name: raw.class_name, config: { ...raw.config, name } },
      nodes,
      where,
    });
  });
  const inputRefs = refList(`${source}: input_layers`, config.input_layers);
  const outputRefs = refList(`${source}: output_layers`, config.output_layers);
  // Every connection names a layer and one of its nodes (input layers have one node of their own).
  const nodeCount = (name: string) => {
    const e = entries.get(name);
    if (e === undefined) return 0;
    return e.entry.class_name === 'InputLayer' ? 1 : e.nodes.length;
  };
  for (const [name, e] of entries) {
    e.nodes.forEach((node, k) => {
      for (const [from, n] of node) {
        if (!entries.has(from)) {
          throw corrupt(`${e.where}: inbound node ${k} names layer '${from}', which is not in the model`, {
            layer: name,
            missing: from,
          });
        }
        if (n >= nodeCount(from)) {
          throw corrupt(
            `${e.where}: inbound node ${k} reads node ${n} of layer '${from}', which has ${nodeCount(from)}`,
            { layer: name, missing: from },
          );
        }
      }
    });
  }
  for (const [label, refs] of [
    ['input_layers', inputRefs],
    ['output_layers', outputRefs],
  ] as const) {
    for (const [name, n] of refs) {
      if (!entries.has(name) || n >= nodeCount(name)) {
        throw corrupt(`${source}: ${label} names layer '${name}' node ${n}, which is not in the model`, {
          layer: name,
        });
      }
    }
  }
  for (const [name] of inputRefs) {
    if (entries.get(name)?.entry.class_name !== 'InputLayer') {
      throw corrupt(`${source}: input_layers names '${name}', which is not an InputLayer`, { layer: name });
    }
  }
  // Kahn's algorithm over the calls: a call runs once every output it reads exists (Keras' from_config).
  const made = new Set<string>();
  for (const [name, e] of entries) if (e.entry.class_name === 'InputLayer') made.add(nodeKey(name, 0));
  const calls: FunctionalCall[] = [];
  for (const [name, e] of entries) {
    if (e.entry.class_name === 'InputLayer') continue;
    e.nodes.forEach((node, k) => {
      calls.push({ name, k, node });
    });
  }
  const missing = new Map<FunctionalCall, number>();
  const waiting = new Map<string, FunctionalCall[]>();
  const ready: FunctionalCall[] = [];
  for (const call of calls) {
    let m = 0;
    for (const [from, n] of call.node) {
      const key = nodeKey(from, n);
      if (made.has(key)) continue;
      m++;
      const list = waiting.get(key);
      if (list === undefined) waiting.set(key, [call]);
      else list.push(call);
    }
    missing.set(call, m);
    if (m === 0) ready.push(call);
  }
  const order: FunctionalCall[] = [];
  for (let i = 0; i < ready.length; i++) {
    const call = ready[i] as FunctionalCall;
    order.push(call);
    for (const next of waiting.get(nodeKey(call.name, call.k)) ?? []) {
      const m = (missing.get(next) as number) - 1;
      missing.set(next, m);
      if (m === 0) ready.push(next);
    }
  }
  if (order.length < calls.length) {
    const names = [...new Set(calls.filter((c) => (missing.get(c) as number) > 0).map((c) => c.name))];
    throw corrupt(
      `${source}: the layers ${names.map((n) => `'${n}'`).join(', ')} wait on each other (a cycle in inbound_nodes) or on a node that is never made`,
      { layers: names, layer: names[0] },
    );
  }
  const name = typeof config.name === 'string' && config.name.length > 0 ? config.name : 'functional';
  return { name, entries, inputRefs, outputRefs, order };
}

/** What {@link buildFunctional} needs from the loader. */
export interface FunctionalLoaderHooks {
  readonly makeLayer: (entry: KerasLayerJson, where: string) => Layer;
  readonly inputShape: (where: string, config: Json) => Shape | undefined;
}

/** Each input layer's declared shape (batch dimension `null`), checked for size. */
export function functionalInputShapes(
  graph: FunctionalGraph,
  inputShape: FunctionalLoaderHooks['inputShape'],
): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const [name, e] of graph.entries) {
    if (e.entry.class_name !== 'InputLayer') continue;
    const shape = inputShape(e.where, e.entry.config);
    if (shape === undefined) throw corrupt(`${e.where}: batch_input_shape is missing`, { layer: name });
    checkInputSize(e.where, shape);
    shapes.set(name, shape);
  }
  return shapes;
}

/**
 * Builds a functional {@link Model} from a parsed graph (see {@link parseFunctional}) by replaying its calls
 * in order. The caller checks the whole file first (`checkLayersModelJson` plans every parameter against the
 * weights manifest without allocating); the model is built with fresh weights, which the caller fills. On
 * error, nothing stays allocated.
 */
export function buildFunctional(graph: FunctionalGraph, hooks: FunctionalLoaderHooks): Model {
  const { entries } = graph;
  const layers = new Map<string, Layer>();
  const tensors = new Map<string, SymbolicTensor>();
  try {
    for (const [name, shape] of functionalInputShapes(graph, hooks.inputShape))
      tensors.set(nodeKey(name, 0), input({ shape: shape.slice(1), name }));
    for (const [name, e] of entries)
      if (e.entry.class_name !== 'InputLayer') layers.set(name, hooks.makeLayer(e.entry, e.where));
    for (const { name, k, node } of graph.order) {
      const args = node.map(([from, n]) => tensors.get(nodeKey(from, n)) as SymbolicTensor);
      const layer = layers.get(name) as Layer;
      tensors.set(nodeKey(name, k), layer.apply(args.length === 1 ? (args[0] as SymbolicTensor) : args));
    }
    const pick = ([n, k]: Ref) => tensors.get(nodeKey(n, k)) as SymbolicTensor;
    return new Model({
      inputs: graph.inputRefs.map(pick),
      outputs: graph.outputRefs.map(pick),
      name: graph.name,
    });
  } catch (e) {
    for (const l of layers.values()) l.dispose();
    throw e;
  }
}

function checkInputSize(where: string, shape: Shape): void {
  const size = shape.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  if (!Number.isSafeInteger(size) || size > 2 ** 28) {
    throw corrupt(
      `${where}: the input shape [${shape.join(', ')}] is too large (at most 2^28 values per sample)`,
    );
  }
}
