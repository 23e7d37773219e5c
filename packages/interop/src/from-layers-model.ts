import { checkOptions, optionKeys, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { type Layer, type Model, Sequential } from '@steadygrad/nn';
import { checkLayersModelJson } from './check-layers-model.js';
import { buildFunctional } from './functional-json.js';
import { corrupt, makeLayer, makeLayers } from './layer-from-keras.js';
import { declaredShape } from './read-layers-model-json.js';

/** Options of {@link fromLayersModel}. */
export interface FromLayersModelOptions {
  /** Names the source in error messages (default `'model.json'`). */
  readonly source?: string;
  /** Names the weight files in error messages (default: the manifest's paths). */
  readonly weightFiles?: readonly string[];
  /**
   * Refuse models whose weights manifest lists more than this many bytes (default
   * `DEFAULT_MAX_WEIGHT_BYTES`, 2 GiB), checked before anything is built or read.
   */
  readonly maxWeightBytes?: number;
}

const FROM_KEYS = optionKeys<FromLayersModelOptions>()(['source', 'weightFiles', 'maxWeightBytes']);

/**
 * Builds a {@link Sequential} (or, for a tfjs-layers `"Model"` / Keras `"Functional"` topology, a functional
 * {@link Model}) from a tfjs-layers `model.json` object and its weight bytes (the concatenation, in manifest
 * order, of every file the manifest lists) — browser-safe, no file access: the files-free half of
 * `loadLayersModel`, for browsers and `tf.io` handlers.
 *
 * Supported layers: Dense, Flatten, Activation, BatchNormalization, Dropout, and in functional models Add,
 * Multiply and Concatenate (an InputLayer first is read for the input shape). Everything is validated before the model is returned; on any error every tensor created
 * so far is freed and nothing is returned. Class names are looked up in fixed tables only; no code from the
 * file is ever evaluated.
 *
 * @throws SteadygradError `CORRUPT_DATA` (malformed JSON structure, missing or surplus weights, wrong byte
 *   count — naming the layer, weight or file), `SHAPE_MISMATCH` (a weight whose shape differs from what its
 *   layer needs), `INCOMPATIBLE` (an unsupported layer, activation, initializer, regularizer, constraint,
 *   dtype or quantization).
 */
export function fromLayersModel(
  modelJson: unknown,
  weightData: ArrayBuffer | Uint8Array,
  options: FromLayersModelOptions = {},
): Sequential | Model {
  checkOptions('fromLayersModel', options, FROM_KEYS);
  const { source = 'model.json', maxWeightBytes } = options ?? {};
  // Everything the JSON declares is checked against the manifest (one layer alive at a time), then against
  // the bytes, before the model's layers are made and built: building allocates every parameter.
  const parsed = checkLayersModelJson(modelJson, { source, maxWeightBytes });
  const { matches } = parsed;
  const files = options?.weightFiles ?? parsed.weightPaths;
  const bytes = weightData instanceof Uint8Array ? weightData : new Uint8Array(weightData);
  if (bytes.byteLength !== parsed.weightBytes) {
    throw corrupt(
      `${files.join(' + ') || 'weight data'}: expected ${parsed.weightBytes} bytes (the float32 weights ${source} lists), got ${bytes.byteLength}`,
      { files, expectedBytes: parsed.weightBytes, actualBytes: bytes.byteLength },
    );
  }
  const { graph } = parsed;
  const layers = graph === undefined ? makeLayers(parsed.layers, source) : [];
  let model: Sequential | Model | undefined;
  const created: Tensor[] = [];
  try {
    if (graph !== undefined) {
      model = buildFunctional(graph, { makeLayer, inputShape: declaredShape });
    } else {
      model = new Sequential(layers, { name: parsed.name });
      model.build(parsed.inputShape);
    }
    // A functional model lists its layers in its own (topological) order: match the plan by name.
    const planned = new Map(matches.map((m) => [m.parameter.name, m]));
    const built = model.parameters;
    const mismatch = (p: { name: string; shape: readonly number[] }) => {
      const m = planned.get(p.name);
      return m === undefined || !tf.util.arraysEqual([...p.shape], [...m.parameter.shape]);
    };
    if (built.length !== matches.length || built.some(mismatch)) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        `${source}: the built model's parameters differ from the loader's plan (${built.map((p) => p.name).join(', ')})`,
      );
    }
    const ordered = built.map((p) => planned.get(p.name) as (typeof matches)[number]);
    const values = ordered.map(({ spec }) => {
      const slice = bytes.slice(spec.offset, spec.offset + spec.length * 4);
      const t = tf.tensor(
        new Float32Array(slice.buffer, slice.byteOffset, spec.length),
        spec.shape,
        'float32',
      );
      created.push(t);
      return t;
    });
    model.setWeights(values);
    return model;
  } catch (e) {
    if (model) model.dispose();
    else for (const l of layers as Layer[]) l.dispose();
    model = undefined;
    throw e;
  } finally {
    for (const t of created) t.dispose();
  }
}
