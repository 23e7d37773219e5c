import { checkOptions, SteadygradError, tf } from '@steadygrad/core';
import type { Model, Sequential } from '@steadygrad/nn';
import type * as NodeFiles from './layers-model-files.js';
import type { LoadLayersModelOptions, SavedLayersModel } from './layers-model-files.js';
import { loadLayersModelFrom, saveLayersModelTo } from './layers-model-handler.js';

export type { LoadLayersModelOptions, SavedLayersModel } from './layers-model-files.js';

/**
 * `saveLayersModel` / `loadLayersModel` in a browser bundle (the `"default"` condition of
 * `@steadygrad/interop`'s `#layers-model-files` import; Node reads and writes a directory). A browser has no
 * directory, so the location is a `tf.io` URL, routed by tfjs-core as for tfjs-layers' `model.save(url)`:
 * `indexeddb://name` (IndexedDB), `localstorage://name`, `downloads://name` (save only: the browser downloads
 * `name.json` and `name.weights.bin`) or an `http(s)://` URL (save POSTs, load GETs).
 */
function handlerFor(url: string, kind: 'save' | 'load'): tf.io.IOHandler {
  const handlers = kind === 'save' ? tf.io.getSaveHandlers(url) : tf.io.getLoadHandlers(url);
  if (handlers.length === 0 || handlers[0] === undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `no tf.io ${kind} handler for '${url}': in a browser, models are ${kind === 'save' ? 'saved to' : 'loaded from'} 'indexeddb://name', 'localstorage://name'${kind === 'save' ? ", 'downloads://name'" : ''} or an http(s) URL (files on disk need Node)`,
      { details: { url } },
    );
  }
  return handlers[0];
}

/** Saves a built model to a `tf.io` URL (see the module comment); the paths returned are that URL. */
export const saveLayersModel: typeof NodeFiles.saveLayersModel = async (
  model: Sequential | Model,
  url: string,
) => {
  const handler = handlerFor(url, 'save');
  const result = await saveLayersModelTo(model, handler);
  const info = result.modelArtifactsInfo;
  const saved: SavedLayersModel = {
    modelJsonPath: url,
    weightsPath: url,
    weightBytes: info.weightDataBytes ?? 0,
  };
  return saved;
};

/** Loads a model from a `tf.io` URL (see the module comment). */
export const loadLayersModel: typeof NodeFiles.loadLayersModel = async (
  url: string,
  options: LoadLayersModelOptions = {},
) => {
  // modelFile and maxJsonBytes concern a folder on disk; the weights budget applies here too.
  checkOptions('loadLayersModel', options, ['modelFile', 'maxJsonBytes', 'maxWeightBytes']);
  const { maxWeightBytes } = options ?? {};
  return loadLayersModelFrom(
    handlerFor(url, 'load'),
    url,
    maxWeightBytes === undefined ? {} : { maxWeightBytes },
  );
};
