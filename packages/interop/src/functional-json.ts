import { SteadygradError } from '@steadygrad/core';
import { Dense, InputLayer, input, type Layer, Model, type Shape, type SymbolicTensor } from '@steadygrad/nn';
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

type Ref = readonly [string, number, number];

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

/** What {@link buildFunctional} needs from the Sequential loader. */
export interface FunctionalLoaderHooks {
  readonly makeLayer: (entry: KerasLayerJson, where: string) => Layer;
  readonly inputShape: (where: string, config: Json) => Shape | undefined;
  /** Float32 values in the weight data: no layer may need more (checked before any allocation). */
  readonly weightValues: number;
}

/**
 * Builds a functional {@link Model} from a `model.json`'s functional `config` (tfjs-layers `"Model"`, Keras
 * `"Functional"`; inbound nodes in the tfjs / Keras 2 list form or the Keras 3 `args` form). The graph is
 * checked before any weight is allocated: every connection names a layer of the file (`CORRUPT_DATA` naming
 * the layer whose inbound node names a missing one, or a missing node), the graph has no cycle (`CORRUPT_DATA`
 * naming the layers on it), and no layer needs more values than the weight data holds. The model is built
 * with fresh weights; the caller fills them. On error, nothing stays allocated.
 */
export function buildFunctional(config: Json, source: string, hooks: FunctionalLoaderHooks): Model {
  const rawLayers = config.layers;
  if (!Array.isArray(rawLayers) || rawLayers.length === 0)
    throw corrupt(`${source}: modelTopology.config.layers must be a non-empty array`);
  const entries = new Map<string, { entry: KerasLayerJson; nodes: Ref[][]; where: string }>();
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
  // Replay the calls: a node runs once all its inputs exist (Keras' from_config); no progress means a cycle.
  const layers = new Map<string, Layer>();
  const tensors = new Map<string, SymbolicTensor>();
  const key = (name: string, node: number) => `${name}\u0000${node}`;
  try {
    for (const [name, e] of entries) {
      if (e.entry.class_name !== 'InputLayer') continue;
      const shape = hooks.inputShape(e.where, e.entry.config);
      if (shape === undefined) throw corrupt(`${e.where}: batch_input_shape is missing`, { layer: name });
      checkInputSize(e.where, shape);
      tensors.set(key(name, 0), input({ shape: shape.slice(1), name }));
    }
    for (const [name, e] of entries)
      if (e.entry.class_name !== 'InputLayer') layers.set(name, hooks.makeLayer(e.entry, e.where));
    const pending = [...entries]
      .filter(([, e]) => e.entry.class_name !== 'InputLayer')
      .flatMap(([name, e]) => e.nodes.map((node, k) => ({ name, k, node })));
    while (pending.length > 0) {
      const ready = pending.findIndex((p) => p.node.every(([from, n]) => tensors.has(key(from, n))));
      if (ready < 0) {
        const names = [...new Set(pending.map((p) => p.name))];
        throw corrupt(
          `${source}: the layers ${names.map((n) => `'${n}'`).join(', ')} wait on each other (a cycle in inbound_nodes) or on a node that is never made`,
          { layers: names, layer: names[0] },
        );
      }
      const { name, k, node } = pending.splice(ready, 1)[0] as (typeof pending)[number];
      const args = node.map(([from, n]) => tensors.get(key(from, n)) as SymbolicTensor);
      const layer = layers.get(name) as Layer;
      checkLayerSize(layer, args, hooks.weightValues, entries.get(name)?.where ?? source);
      tensors.set(key(name, k), layer.apply(args.length === 1 ? (args[0] as SymbolicTensor) : args));
    }
    const name = typeof config.name === 'string' && config.name.length > 0 ? config.name : 'functional';
    const pick = ([n, k]: Ref) => tensors.get(key(n, k)) as SymbolicTensor;
    return new Model({ inputs: inputRefs.map(pick), outputs: outputRefs.map(pick), name });
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

/**
 * Before the model allocates anything: the parameters a layer will create must fit in the weight data
 * (a hostile `units: 99999999999` or `filters` is an error here, not a giant allocation). Counts Dense
 * kernels, convolution kernels (`kernelSize` × input channels ÷ groups × filters, or × depth multiplier)
 * and normalization statistics (4 per channel).
 */
function checkLayerSize(
  layer: Layer,
  args: readonly SymbolicTensor[],
  available: number,
  where: string,
): void {
  const shape = args[0]?.shape ?? [];
  const last = shape[shape.length - 1] ?? 1;
  const l = layer as unknown as {
    units?: number;
    filters?: number;
    kernelSize?: readonly number[];
    groups?: number;
    depthMultiplier?: number;
  };
  let needed = 0;
  if (layer instanceof Dense) needed = last * layer.units;
  else if (Array.isArray(l.kernelSize)) {
    const window = l.kernelSize.reduce((a, b) => a * b, 1);
    if (typeof l.filters === 'number') needed = (window * last * l.filters) / (l.groups ?? 1);
    else if (typeof l.depthMultiplier === 'number') needed = window * last * l.depthMultiplier;
  } else if (layer.className.endsWith('Normalization')) needed = 4 * last;
  if (!Number.isSafeInteger(Math.ceil(needed)) || needed > available) {
    throw corrupt(
      `${where}: its parameters need ${needed} values, but the weight data holds ${available} float32 values in all`,
      {
        layer: layer.name,
        needed,
        available,
      },
    );
  }
}
