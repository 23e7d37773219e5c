import { checkOptions, SteadygradError, tf } from '@steadygrad/core';
import type { Model, Sequential } from '@steadygrad/nn';
import { type FromLayersModelOptions, fromLayersModel } from './from-layers-model.js';
import { WEIGHTS_FILE } from './keras-format.js';
import { toLayersModel } from './to-layers-model.js';

/**
 * Saves a built {@link Sequential} or functional {@link Model} in the tfjs-layers format through a `tf.io` handler — the same handlers
 * tfjs-layers' `model.save` takes: `tf.io.browserDownloads('name')`, `tf.io.withSaveHandler(fn)`,
 * `tf.io.http(url)`, or the one `tf.io.getSaveHandlers('indexeddb://name')[0]` returns. Works in Node and in
 * browsers; `tf.loadLayersModel(handler)` reads what it wrote. Returns the handler's `SaveResult`.
 *
 * @throws SteadygradError as {@link toLayersModel}; `IO_ERROR` when the handler has no `save` or fails.
 */
export async function saveLayersModelTo(
  model: Sequential | Model,
  handler: tf.io.IOHandler,
): Promise<tf.io.SaveResult> {
  if (typeof handler?.save !== 'function') {
    throw new SteadygradError('INVALID_ARGUMENT', 'saveLayersModelTo: the tf.io handler has no save method');
  }
  const { modelJson, weightData } = toLayersModel(model);
  const [group] = modelJson.weightsManifest;
  try {
    return await handler.save({
      modelTopology: modelJson.modelTopology as unknown as tf.io.ModelArtifacts['modelTopology'],
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
      weightSpecs: (group?.weights ?? []) as tf.io.ModelArtifacts['weightSpecs'],
      weightData,
    });
  } catch (e) {
    throw new SteadygradError('IO_ERROR', `cannot save the model through the tf.io handler: ${String(e)}`, {
      cause: e,
    });
  }
}

/**
 * Loads a tfjs-layers model (as {@link saveLayersModelTo}, tfjs-layers' `model.save` or the converter wrote it)
 * through a `tf.io` handler — `tf.io.browserFiles([json, bin])`, `tf.io.http(url)`, `tf.io.fromMemory(…)`, or
 * `tf.io.getLoadHandlers('indexeddb://name')[0]` — as a built steadygrad {@link Sequential} (or functional {@link Model}). `source` names
 * the model in error messages; `options.maxWeightBytes` bounds the weights manifest as for {@link fromLayersModel}.
 * Works in Node and in browsers.
 *
 * @throws SteadygradError `IO_ERROR` when the handler fails; `CORRUPT_DATA`, `SHAPE_MISMATCH`, `INCOMPATIBLE`
 *   as {@link fromLayersModel}.
 */
export async function loadLayersModelFrom(
  handler: tf.io.IOHandler,
  source = 'model',
  options: Pick<FromLayersModelOptions, 'maxWeightBytes'> = {},
): Promise<Sequential | Model> {
  checkOptions('loadLayersModelFrom', options, ['maxWeightBytes']);
  if (typeof handler?.load !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'loadLayersModelFrom: the tf.io handler has no load method',
    );
  }
  let artifacts: tf.io.ModelArtifacts;
  try {
    artifacts = await handler.load();
  } catch (e) {
    throw new SteadygradError('IO_ERROR', `cannot load ${source} through the tf.io handler: ${String(e)}`, {
      cause: e,
    });
  }
  const { modelTopology, weightSpecs = [], weightData, format, generatedBy, convertedBy } = artifacts;
  const modelJson = {
    format,
    generatedBy,
    convertedBy,
    modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: weightSpecs }],
  };
  const bytes = weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(weightData);
  return fromLayersModel(modelJson, bytes, {
    source,
    weightFiles: [`${source} (weights)`],
    ...(options?.maxWeightBytes === undefined ? {} : { maxWeightBytes: options.maxWeightBytes }),
  });
}
