import * as tf from '@tensorflow/tfjs-core';
import { tfjsGradientConfigs } from './generated/tfjs-gradients.js';

let registered = false;

/**
 * Registers tfjs-core's gradient functions (about a hundred kernels) with the engine, once.
 *
 * `@tensorflow/tfjs-core` registers none by itself, and the module that would (`register_all_gradients`)
 * cannot be imported by plain Node ESM. steadygrad ships the same configurations re-bundled at build time
 * (see `scripts/bundle-gradients.mjs`). `useBackend` and every steadygrad function that differentiates
 * calls this; users call it only when they take gradients with raw tfjs before touching steadygrad.
 * A gradient already registered (by tfjs-layers, say) is left as it is.
 *
 * @returns how many gradients this call registered.
 */
export function registerGradients(): number {
  if (registered) return 0;
  let count = 0;
  for (const config of tfjsGradientConfigs) {
    if (tf.getGradient(config.kernelName) === undefined) {
      tf.registerGradient(config);
      count++;
    }
  }
  registered = true;
  return count;
}
