import { SteadygradError } from '@steadygrad/core';
import type { Shape } from '@steadygrad/nn';
import type { KerasLayerJson } from './keras-format.js';
import { corrupt, isObject, type Json } from './layer-from-keras.js';

/** A weight of the manifest with its byte offset in the concatenated weight data. */
export interface ParsedSpec {
  readonly name: string;
  readonly shape: number[];
  readonly offset: number;
  readonly length: number;
}

function batchShape(where: string, v: unknown): Shape {
  if (
    !Array.isArray(v) ||
    v.length < 2 ||
    v.slice(1).some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1) ||
    (v[0] !== null && (typeof v[0] !== 'number' || !Number.isInteger(v[0]) || v[0] < 1))
  ) {
    throw corrupt(
      `${where}: batch_input_shape must be [null, ...positive integers], got ${JSON.stringify(v)}`,
      { where, value: v },
    );
  }
  return [null, ...(v.slice(1) as number[])];
}

/** The batch input shape a layer's config declares (`batch_input_shape`, `batch_shape` or `input_shape`), if any. */
export function declaredShape(where: string, config: Json): Shape | undefined {
  if (config.batch_input_shape !== undefined && config.batch_input_shape !== null)
    return batchShape(where, config.batch_input_shape);
  if (config.batch_shape !== undefined && config.batch_shape !== null)
    return batchShape(where, config.batch_shape);
  if (Array.isArray(config.input_shape)) return batchShape(where, [null, ...config.input_shape]);
  return undefined;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4 };

function parseManifest(
  manifest: unknown,
  source: string,
): { specs: ParsedSpec[]; paths: string[]; bytes: number } {
  if (!Array.isArray(manifest)) {
    throw corrupt(
      `${source}: weightsManifest must be an array of { paths, weights } groups, got ${JSON.stringify(manifest)?.slice(0, 80)}`,
    );
  }
  const specs: ParsedSpec[] = [];
  const paths: string[] = [];
  let offset = 0;
  manifest.forEach((group, gi) => {
    if (
      !isObject(group) ||
      !Array.isArray(group.paths) ||
      !Array.isArray(group.weights) ||
      group.paths.some((p) => typeof p !== 'string')
    ) {
      throw corrupt(`${source}: weightsManifest[${gi}] must be { paths: string[], weights: [...] }`);
    }
    paths.push(...(group.paths as string[]));
    group.weights.forEach((w: unknown, wi: number) => {
      const at = `${source}: weightsManifest[${gi}].weights[${wi}]`;
      if (!isObject(w) || typeof w.name !== 'string' || !Array.isArray(w.shape))
        throw corrupt(`${at} must be { name, shape, dtype }`);
      if (w.shape.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 0)) {
        throw corrupt(
          `${at} ('${w.name}'): shape must be non-negative integers, got ${JSON.stringify(w.shape)}`,
        );
      }
      if (w.quantization !== undefined) {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${at} ('${w.name}'): quantized weights are not supported`,
          { details: { weight: w.name } },
        );
      }
      const dtype = w.dtype ?? 'float32';
      if (typeof dtype !== 'string' || !Object.hasOwn(DTYPE_BYTES, dtype)) {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${at} ('${w.name}'): dtype ${JSON.stringify(dtype)} is not supported (float32)`,
          {
            details: { weight: w.name, dtype },
          },
        );
      }
      const length = (w.shape as number[]).reduce((a, b) => a * b, 1);
      if (!Number.isSafeInteger(offset + length * DTYPE_BYTES[dtype]!)) {
        throw corrupt(
          `${at} ('${w.name}'): shape ${JSON.stringify(w.shape)} is too large to address (the manifest would list over 2^53 bytes)`,
        );
      }
      specs.push({ name: w.name, shape: [...(w.shape as number[])], offset, length });
      offset += length * DTYPE_BYTES[dtype]!;
    });
  });
  return { specs, paths, bytes: offset };
}

/** Reads the model.json object's structure: the topology layers and the weights manifest. */
export function readLayersModelJson(
  json: unknown,
  source = 'model.json',
): {
  readonly name: string;
  readonly layers: readonly KerasLayerJson[];
  readonly inputShape: Shape;
  readonly weightPaths: readonly string[];
  readonly weightBytes: number;
  readonly specs: readonly ParsedSpec[];
  /** A functional model's `modelTopology.config` (then `layers` and `inputShape` are unused). */
  readonly functional?: Json;
} {
  if (!isObject(json))
    throw corrupt(`${source}: expected a JSON object with modelTopology and weightsManifest`);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `${source}: format '${String(json.format)}' is not a tfjs layers model ('layers-model'); graph models are not supported`,
    );
  }
  let topology = json.modelTopology;
  if (isObject(topology) && isObject(topology.model_config)) topology = topology.model_config; // Keras h5 conversion wrapper
  if (!isObject(topology)) throw corrupt(`${source}: modelTopology is missing`);
  if (topology.class_name === 'Model' || topology.class_name === 'Functional') {
    if (!isObject(topology.config)) throw corrupt(`${source}: modelTopology.config must be an object`);
    const { paths, bytes, specs } = parseManifest(json.weightsManifest ?? [], source);
    const fname = typeof topology.config.name === 'string' ? topology.config.name : 'functional';
    return {
      name: fname,
      layers: [],
      inputShape: [null],
      weightPaths: paths,
      weightBytes: bytes,
      specs,
      functional: topology.config,
    };
  }
  if (topology.class_name !== 'Sequential') {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `${source}: modelTopology is a '${String(topology.class_name)}' model; only Sequential and functional ('Model', 'Functional') models are supported`,
    );
  }
  const cfg = topology.config;
  const rawLayers = Array.isArray(cfg) ? cfg : isObject(cfg) ? cfg.layers : undefined;
  if (!Array.isArray(rawLayers)) throw corrupt(`${source}: modelTopology.config.layers must be an array`);
  const name = isObject(cfg) && typeof cfg.name === 'string' && cfg.name.length > 0 ? cfg.name : 'sequential';
  const layers: KerasLayerJson[] = [];
  let inputShape: Shape | undefined;
  const names = new Set<string>();
  rawLayers.forEach((entry: unknown, i: number) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string' || !isObject(entry.config)) {
      throw corrupt(`${source}: layer ${i} must be { class_name, config }`);
    }
    const lname = entry.config.name;
    const where = `${source}: layer ${typeof lname === 'string' ? `'${lname}'` : i} (${entry.class_name})`;
    if (typeof lname !== 'string' || lname.length === 0 || lname.includes('/')) {
      throw corrupt(`${where}: name must be a non-empty string without '/', got ${JSON.stringify(lname)}`);
    }
    if (names.has(lname)) throw corrupt(`${where}: duplicate layer name`);
    names.add(lname);
    if (entry.class_name === 'InputLayer') {
      if (i !== 0) throw new SteadygradError('INCOMPATIBLE', `${where}: an InputLayer must come first`);
      inputShape = declaredShape(where, entry.config);
      if (inputShape === undefined) throw corrupt(`${where}: batch_input_shape is missing`);
      return;
    }
    if (layers.length === 0 && inputShape === undefined) inputShape = declaredShape(where, entry.config);
    layers.push({ class_name: entry.class_name, config: entry.config });
  });
  if (layers.length === 0) throw corrupt(`${source}: the model has no layers`);
  if (inputShape === undefined) {
    throw corrupt(
      `${source}: the first layer has no batch_input_shape, so the model's input shape is unknown`,
    );
  }
  const { paths, bytes, specs } = parseManifest(json.weightsManifest ?? [], source);
  return { name, layers, inputShape, weightPaths: paths, weightBytes: bytes, specs };
}
