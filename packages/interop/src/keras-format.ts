import type { FunctionalConfigJson } from './functional-json.js';

/**
 * The subset of the tfjs-layers / Keras JSON format this package reads and writes (the `model.json` that
 * `tf.LayersModel.save` writes and `tf.loadLayersModel` reads; the tensorflowjs converter reads and writes
 * it for Keras). Keys are Keras' snake_case.
 */

/** A serialized Keras object: `{ class_name, config }`. */
export interface KerasObject {
  readonly class_name: string;
  readonly config: Record<string, unknown>;
}

/** One entry of `modelTopology.config.layers`. */
export interface KerasLayerJson {
  readonly class_name: string;
  readonly config: Record<string, unknown>;
}

/** `modelTopology` of a Sequential model. */
export interface SequentialTopology {
  readonly class_name: 'Sequential';
  readonly config: { readonly name: string; readonly layers: readonly KerasLayerJson[] };
  readonly keras_version: string;
  readonly backend: string;
}

/** `modelTopology` of a functional model (tfjs-layers writes `"Model"`, Keras 3 `"Functional"`). */
export interface FunctionalTopology {
  readonly class_name: 'Model' | 'Functional';
  readonly config: FunctionalConfigJson;
  readonly keras_version: string;
  readonly backend: string;
}

/** One weight in a weights manifest group. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
}

/** A weights manifest group: its weights are stored, in order, in the concatenation of `paths`. */
export interface WeightsGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightSpec[];
}

/** The whole `model.json`. */
export interface LayersModelJson {
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: SequentialTopology | FunctionalTopology;
  readonly weightsManifest: readonly WeightsGroup[];
}

/** The keras_version string steadygrad writes (tfjs-layers writes `tfjs-layers <version>`). */
export const KERAS_VERSION = 'steadygrad (tfjs-layers 4.22.0 format)';
/** The backend string tfjs-layers writes. */
export const KERAS_BACKEND = 'tensor_flow.js';
/** The weights file {@link saveLayersModel} writes. */
export const WEIGHTS_FILE = 'weights.bin';
/** The model file {@link saveLayersModel} writes and {@link loadLayersModel} reads. */
export const MODEL_FILE = 'model.json';
