import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import type { Layer } from '@steadygrad/nn';
import { type LayerContainer, layersOf } from './layer-selector.js';

/** Options of {@link reuseLayers}: give at most one of `drop` and `upTo`. */
export interface ReuseLayersOptions {
  /** How many layers to leave off the top (default `1`: the output layer, the seed's `layers[:-1]`). */
  readonly drop?: number;
  /** Keep layers `0 … upTo − 1` instead (Python `layers[:upTo]`, `upTo >= 1`). */
  readonly upTo?: number;
}

const KEYS = optionKeys<ReuseLayersOptions>()(['drop', 'upTo']);

/**
 * The bottom layers of a trained model, to build a new model from (seed cell 13:
 * `Sequential(model_A.layers[:-1])` plus a new head).
 *
 * The layers are **shared, not copied**: a model built from them holds the very same `Layer` objects and
 * parameters, so training it changes the source model too (the seed's warning). Use `cloneModel` first
 * when the source must stay as it is. Returns a new array of at least one layer
 * (`drop: 0` reuses every layer).
 *
 * Errors: `INVALID_ARGUMENT` when both options are given, or when they would keep no layer or more layers
 * than the model has.
 */
export function reuseLayers(model: LayerContainer, options: ReuseLayersOptions = {}): Layer[] {
  checkOptions('reuseLayers', options, KEYS);
  const layers = layersOf(model);
  const n = layers.length;
  const { drop, upTo } = options;
  if (drop !== undefined && upTo !== undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `reuseLayers takes either drop or upTo, got both (drop ${drop}, upTo ${upTo})`,
    );
  }
  let keep: number;
  if (upTo !== undefined) {
    keep = checkNumber('upTo', upTo, { integer: true, min: 1, max: n });
  } else {
    const d = checkNumber('drop', drop ?? 1, { integer: true, min: 0, max: n - 1 });
    keep = n - d;
  }
  if (keep < 1 || n === 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `reuseLayers would keep no layer of a model with ${n} layers`,
    );
  }
  return layers.slice(0, keep);
}
