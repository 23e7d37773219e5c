import { SteadygradError, type Tensor, tf } from '@steadygrad/core';
import {
  Activation,
  Add,
  Concatenate,
  Dense,
  Flatten,
  type Layer,
  type Model,
  Multiply,
  Sequential,
  type Shape,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { Dropout } from '@steadygrad/regularization';
import { buildFunctional } from './functional-json.js';
import type { KerasLayerJson } from './keras-format.js';
import {
  activationFromKeras,
  constraintFromKeras,
  initializerFromKeras,
  regularizerFromKeras,
} from './keras-objects.js';
import { SUPPORTED_LAYERS } from './to-layers-model.js';

/** Options of {@link fromLayersModel}. */
export interface FromLayersModelOptions {
  /** Names the source in error messages (default `'model.json'`). */
  readonly source?: string;
  /** Names the weight files in error messages (default: the manifest's paths). */
  readonly weightFiles?: readonly string[];
}

/** A weight of the manifest with its byte offset in the concatenated weight data. */
export interface ParsedSpec {
  readonly name: string;
  readonly shape: number[];
  readonly offset: number;
  readonly length: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function corrupt(message: string, details: Json = {}): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', message, { details });
}

function num(
  where: string,
  config: Json,
  key: string,
  fallback: number,
  check: (v: number) => boolean,
  expected: string,
): number {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || !check(v)) {
    throw corrupt(`${where}: ${key} must be ${expected}, got ${JSON.stringify(v)}`, { where, key, value: v });
  }
  return v;
}

function bool(where: string, config: Json, key: string, fallback: boolean): boolean {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean')
    throw corrupt(`${where}: ${key} must be a boolean, got ${JSON.stringify(v)}`, { where, key, value: v });
  return v;
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

function declaredShape(where: string, config: Json): Shape | undefined {
  if (config.batch_input_shape !== undefined && config.batch_input_shape !== null)
    return batchShape(where, config.batch_input_shape);
  if (config.batch_shape !== undefined && config.batch_shape !== null)
    return batchShape(where, config.batch_shape);
  if (Array.isArray(config.input_shape)) return batchShape(where, [null, ...config.input_shape]);
  return undefined;
}

function checkDtype(where: string, config: Json): void {
  const d = config.dtype;
  if (d === undefined || d === null || d === 'float32') return;
  const policy = isObject(d) && isObject(d.config) ? d.config.name : undefined;
  if (policy === 'float32') return;
  throw new SteadygradError(
    'INCOMPATIBLE',
    `${where}: dtype ${JSON.stringify(d)} is not supported (steadygrad layers compute in float32)`,
    {
      details: { where, dtype: d },
    },
  );
}

function makeLayer(entry: KerasLayerJson, where: string): Layer {
  const config = entry.config;
  const name = config.name as string;
  const trainable = bool(where, config, 'trainable', true);
  checkDtype(where, config);
  const base = { name, trainable };
  switch (entry.class_name) {
    case 'Dense': {
      const units = num(
        where,
        config,
        'units',
        Number.NaN,
        (v) => Number.isInteger(v) && v >= 1,
        'a positive integer',
      );
      if (Number.isNaN(units)) throw corrupt(`${where}: units is missing`, { where });
      const kernelInitializer = initializerFromKeras(config.kernel_initializer, where);
      const biasInitializer = initializerFromKeras(config.bias_initializer, where);
      return new Dense({
        ...base,
        units,
        activation: activationFromKeras(config.activation, where),
        useBias: bool(where, config, 'use_bias', true),
        ...(kernelInitializer ? { kernelInitializer } : {}),
        ...(biasInitializer ? { biasInitializer } : {}),
        kernelRegularizer: regularizerFromKeras(config.kernel_regularizer, where),
        biasRegularizer: regularizerFromKeras(config.bias_regularizer, where),
        activityRegularizer: regularizerFromKeras(config.activity_regularizer, where),
        kernelConstraint: constraintFromKeras(config.kernel_constraint, where),
        biasConstraint: constraintFromKeras(config.bias_constraint, where),
      });
    }
    case 'Flatten': {
      const df = config.data_format;
      if (df !== undefined && df !== null && df !== 'channels_last') {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${where}: data_format ${JSON.stringify(df)} is not supported (steadygrad's Flatten is channels_last)`,
          {
            details: { where },
          },
        );
      }
      return new Flatten(base);
    }
    case 'Activation':
      return new Activation({ ...base, activation: activationFromKeras(config.activation, where) });
    case 'BatchNormalization': {
      let axis = config.axis ?? -1;
      if (Array.isArray(axis) && axis.length === 1) axis = axis[0];
      if (typeof axis !== 'number' || !Number.isInteger(axis)) {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${where}: axis ${JSON.stringify(config.axis)} is not supported (one integer axis)`,
          { details: { where } },
        );
      }
      if (config.renorm === true) {
        throw new SteadygradError(
          'INCOMPATIBLE',
          `${where}: batch renormalization (renorm: true) is not supported`,
          { details: { where } },
        );
      }
      const inits = {
        betaInitializer: initializerFromKeras(config.beta_initializer, where),
        gammaInitializer: initializerFromKeras(config.gamma_initializer, where),
        movingMeanInitializer: initializerFromKeras(config.moving_mean_initializer, where),
        movingVarianceInitializer: initializerFromKeras(config.moving_variance_initializer, where),
      };
      return new BatchNormalization({
        ...base,
        axis,
        momentum: num(where, config, 'momentum', 0.99, (v) => v >= 0 && v < 1, 'in [0, 1)'),
        epsilon: num(where, config, 'epsilon', 1e-3, (v) => v >= 0, '>= 0'),
        center: bool(where, config, 'center', true),
        scale: bool(where, config, 'scale', true),
        ...Object.fromEntries(Object.entries(inits).filter(([, v]) => v !== undefined)),
        betaRegularizer: regularizerFromKeras(config.beta_regularizer, where),
        gammaRegularizer: regularizerFromKeras(config.gamma_regularizer, where),
        betaConstraint: constraintFromKeras(config.beta_constraint, where),
        gammaConstraint: constraintFromKeras(config.gamma_constraint, where),
      });
    }
    case 'Dropout': {
      const rate = num(where, config, 'rate', Number.NaN, (v) => v >= 0 && v < 1, 'in [0, 1)');
      if (Number.isNaN(rate)) throw corrupt(`${where}: rate is missing`, { where });
      const ns = config.noise_shape;
      if (
        ns !== undefined &&
        ns !== null &&
        (!Array.isArray(ns) || ns.some((d) => d !== null && (!Number.isInteger(d) || d < 1)))
      ) {
        throw corrupt(
          `${where}: noise_shape must be null or an array of positive integers/null, got ${JSON.stringify(ns)}`,
          { where },
        );
      }
      const seed = config.seed;
      return new Dropout({
        ...base,
        rate,
        ...(Array.isArray(ns) ? { noiseShape: ns as (number | null)[] } : {}),
        ...(typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 ? { seed } : {}),
      });
    }
    case 'Add':
      return new Add(base);
    case 'Multiply':
      return new Multiply(base);
    case 'Concatenate': {
      const axis = num(where, config, 'axis', -1, (v) => Number.isInteger(v), 'an integer');
      return new Concatenate({ ...base, axis });
    }
    default:
      throw new SteadygradError(
        'INCOMPATIBLE',
        `${where}: unsupported layer class '${entry.class_name}'; supported: ${SUPPORTED_LAYERS.join(', ')} (and InputLayer first)`,
        { details: { where, className: entry.class_name, supported: SUPPORTED_LAYERS } },
      );
  }
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

function matchSpec(specs: readonly ParsedSpec[], full: string): ParsedSpec | undefined {
  const norm = (n: string) => n.replace(/:0$/, '');
  const exact = specs.filter((s) => norm(s.name) === full);
  if (exact.length === 1) return exact[0];
  const suffix = specs.filter((s) => norm(s.name).endsWith(`/${full}`));
  return suffix.length === 1 ? suffix[0] : undefined;
}

/**
 * Builds a {@link Sequential} from a tfjs-layers `model.json` object and its weight bytes (the
 * concatenation, in manifest order, of every file the manifest lists) — browser-safe, no file access.
 *
 * Supported layers: Dense, Flatten, Activation, BatchNormalization, Dropout (an InputLayer first is read for
 * the input shape). Everything is validated before the model is returned; on any error every tensor created
 * so far is freed and nothing is returned. Class names are looked up in fixed tables only; no code from the
 * file is ever evaluated.
 *
 * @throws SteadygradError `CORRUPT_DATA` (malformed JSON structure, missing or surplus weights, wrong byte
 *   count — naming the layer, weight or file), `SHAPE_MISMATCH` (a weight whose shape differs from what its
 *   layer needs), `INCOMPATIBLE` (an unsupported layer, activation, initializer, regularizer, constraint,
 *   dtype or quantization).
 */
/**
 * Before anything is allocated: the sizes a file declares (input shape, `units`) must fit the weight data it
 * ships. Every parameter a layer creates is filled from the weights, so no layer may need more values than
 * the weight data holds — a hostile `units: 99999999999` is an error here, not a giant allocation.
 */
function checkDeclaredSizes(
  layers: readonly Layer[],
  inputShape: Shape,
  weightValues: number,
  source: string,
): void {
  let shape = inputShape.slice(1).map((d) => d ?? 1);
  const tooBig = (what: string, n: number) =>
    corrupt(
      `${source}: ${what} needs ${n} values, but the weight data holds ${weightValues} float32 values in all`,
      { needed: n, available: weightValues },
    );
  const inputSize = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(inputSize) || inputSize > 2 ** 28) {
    throw corrupt(
      `${source}: the input shape [${inputShape.join(', ')}] is too large (at most 2^28 values per sample)`,
    );
  }
  for (const layer of layers) {
    const last = shape[shape.length - 1] ?? 1;
    if (layer instanceof Flatten) shape = [shape.reduce((a, b) => a * b, 1)];
    else if (layer instanceof Dense) {
      const kernel = last * layer.units;
      if (!Number.isSafeInteger(kernel) || kernel > weightValues) {
        throw tooBig(`layer '${layer.name}' (Dense): a [${last}, ${layer.units}] kernel`, kernel);
      }
      shape = [...shape.slice(0, -1), layer.units];
    } else if (layer.className === 'BatchNormalization' && 4 * last > weightValues) {
      throw tooBig(`layer '${layer.name}' (BatchNormalization): statistics for ${last} features`, 4 * last);
    }
  }
}

/**
 * Builds a steadygrad `Sequential` from a tfjs-layers `model.json` object and its weight bytes (the files-free
 * half of `loadLayersModel`, for browsers and `tf.io` handlers). Everything is validated before the model is
 * returned; on failure, every tensor made so far is freed.
 */
export function fromLayersModel(
  modelJson: unknown,
  weightData: ArrayBuffer | Uint8Array,
  options: FromLayersModelOptions = {},
): Sequential | Model {
  const { source = 'model.json' } = options;
  const parsed = readLayersModelJson(modelJson, source);
  const files = options.weightFiles ?? parsed.weightPaths;
  const bytes = weightData instanceof Uint8Array ? weightData : new Uint8Array(weightData);
  if (bytes.byteLength !== parsed.weightBytes) {
    throw corrupt(
      `${files.join(' + ') || 'weight data'}: expected ${parsed.weightBytes} bytes (the float32 weights ${source} lists), got ${bytes.byteLength}`,
      { files, expectedBytes: parsed.weightBytes, actualBytes: bytes.byteLength },
    );
  }
  const { specs } = parsed;
  const layers: Layer[] = [];
  let model: Sequential | Model | undefined;
  const created: Tensor[] = [];
  try {
    if (parsed.functional !== undefined) {
      model = buildFunctional(parsed.functional, source, {
        makeLayer,
        inputShape: declaredShape,
        weightValues: parsed.weightBytes / 4,
      });
    } else {
      for (const entry of parsed.layers)
        layers.push(
          makeLayer(entry, `${source}: layer '${String(entry.config.name)}' (${entry.class_name})`),
        );
      checkDeclaredSizes(layers, parsed.inputShape, parsed.weightBytes / 4, source);
      model = new Sequential(layers, { name: parsed.name });
      model.build(parsed.inputShape);
    }
    const used = new Set<ParsedSpec>();
    const values: Tensor[] = [];
    for (const layer of model.layers) {
      const where = `${source}: layer '${layer.name}' (${layer.className})`;
      for (const p of layer.parameters) {
        const spec = matchSpec(specs, p.name);
        if (spec === undefined) {
          throw corrupt(
            `${where}: weight '${p.name}' (shape [${p.shape.join(', ')}]) is missing from the weights manifest`,
            {
              layer: layer.name,
              weight: p.name,
            },
          );
        }
        if (spec.shape.length !== p.shape.length || spec.shape.some((d, i) => d !== p.shape[i])) {
          throw new SteadygradError(
            'SHAPE_MISMATCH',
            `${where}: weight '${spec.name}' has shape [${spec.shape.join(', ')}] in ${source}, the layer needs [${p.shape.join(', ')}]`,
            { details: { layer: layer.name, weight: spec.name, expected: [...p.shape], got: spec.shape } },
          );
        }
        used.add(spec);
        const slice = bytes.slice(spec.offset, spec.offset + spec.length * 4);
        const t = tf.tensor(
          new Float32Array(slice.buffer, slice.byteOffset, spec.length),
          spec.shape,
          'float32',
        );
        created.push(t);
        values.push(t);
      }
    }
    const surplus = specs.filter((s) => !used.has(s)).map((s) => s.name);
    if (surplus.length > 0) {
      throw corrupt(
        `${source}: weights ${surplus.map((n) => `'${n}'`).join(', ')} belong to no layer of the model`,
        { weights: surplus },
      );
    }
    model.setWeights(values);
    return model;
  } catch (e) {
    if (model) model.dispose();
    else for (const l of layers) l.dispose();
    model = undefined;
    throw e;
  } finally {
    for (const t of created) t.dispose();
  }
}
