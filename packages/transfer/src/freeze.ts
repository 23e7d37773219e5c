import type { Layer } from '@steadygrad/nn';
import { type LayerContainer, type LayerSelector, selectLayers } from './layer-selector.js';

/**
 * Sets `trainable` on the selected layers and returns them. Nothing needs recompiling afterwards: the
 * training loop of `@steadygrad/train` reads the model's trainable parameters at every step (the seed's
 * "compile again each time we freeze/unfreeze" is a Keras requirement, not ours), and `@steadygrad/optim`'s
 * `Optimizer` re-initializes its state for the new set of parameters, as a fresh Keras optimizer would.
 *
 * A frozen `BatchNormalization` runs in inference mode (moving statistics, which stay unchanged), as in Keras.
 */
export function setTrainable(model: LayerContainer, selector: LayerSelector, trainable: boolean): Layer[] {
  const layers = selectLayers(model, selector);
  for (const layer of layers) layer.trainable = trainable;
  return layers;
}

/** Freezes the selected layers (`trainable = false`); see {@link setTrainable}. */
export function freeze(model: LayerContainer, selector: LayerSelector = 'all'): Layer[] {
  return setTrainable(model, selector, false);
}

/** Unfreezes the selected layers (`trainable = true`); see {@link setTrainable}. */
export function unfreeze(model: LayerContainer, selector: LayerSelector = 'all'): Layer[] {
  return setTrainable(model, selector, true);
}
