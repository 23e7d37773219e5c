import { checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import { Layer, type LayerOptions } from '@steadygrad/nn';
import { describe } from './layer-selector.js';

/**
 * A user-supplied way to clone a layer (Keras `clone_model(..., clone_function=...)`): return a new,
 * unbuilt layer of the same configuration, or `undefined` to fall back to {@link cloneLayer}'s own rules.
 */
export type LayerCloner = (layer: Layer) => Layer | undefined;

/** Options of {@link cloneLayer}. */
export interface CloneLayerOptions {
  /** Tried first for every layer (for custom layers the default rules cannot recreate). */
  readonly cloneFunction?: LayerCloner;
}

export const CLONE_LAYER_KEYS = optionKeys<CloneLayerOptions>()(['cloneFunction']);

function baseOptions(layer: Layer): LayerOptions {
  return {
    name: layer.name,
    trainable: layer.trainable,
    ...(layer.inputShapeOption === undefined ? {} : { inputShape: layer.inputShapeOption }),
  };
}

/** JSON with sorted keys, for comparing configurations. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(o)
          .sort()
          .map((k) => [k, o[k]]),
      );
    }
    return v;
  });
}

/**
 * A fresh, **unbuilt** layer with the same configuration as `layer` (Keras `layer.__class__.from_config(
 * layer.get_config())`, the per-layer step of `clone_model`). The copy keeps the name and the `trainable`
 * flag; it has no parameters until it is built, and shares nothing with the original.
 *
 * How: `cloneFunction` first, when given; otherwise `new layer.constructor(layer.cloneOptions())` with the
 * name and `trainable` flag. `cloneOptions()` is `getConfig()` unless the layer gives live objects there:
 * `Dense`, `Activation` and `PReLU` give their activation, initializer, regularizer and constraint objects
 * (an activation's own options, such as LeakyReLU's slope, included), and the normalization layers their
 * initializers and γ/β regularizers and constraints, so the clone shares them.
 * The result's `getConfig()` must equal the original's, else `INCOMPATIBLE` (use `cloneFunction`), and
 * `cloneModel` compares the number of penalties, to catch a custom layer whose options lose a regularizer.
 */
export function cloneLayer(layer: Layer, options: CloneLayerOptions = {}): Layer {
  checkOptions('cloneLayer', options, CLONE_LAYER_KEYS);
  const { cloneFunction } = options;
  if (!(layer instanceof Layer)) {
    throw new SteadygradError('INVALID_ARGUMENT', `cloneLayer expects a Layer, got ${describe(layer)}`);
  }
  let copy = cloneFunction?.(layer);
  if (copy === undefined) {
    const Ctor = layer.constructor as new (options: Record<string, unknown>) => Layer;
    try {
      copy = new Ctor({ ...layer.cloneOptions(), ...baseOptions(layer) });
    } catch (e) {
      throw new SteadygradError(
        'INCOMPATIBLE',
        `cannot clone layer '${layer.name}' (${layer.className}) from its configuration (${e instanceof Error ? e.message : String(e)}); pass cloneFunction to recreate it`,
        { details: { layer: layer.name, className: layer.className } },
      );
    }
  }
  if (!(copy instanceof Layer) || copy === layer) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `cloneFunction must return a new Layer for '${layer.name}', got ${copy === layer ? 'the same layer' : describe(copy)}`,
    );
  }
  if (copy.built) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `the clone of layer '${layer.name}' must be unbuilt (cloneModel builds and fills it), got a built layer`,
    );
  }
  const want = stableJson(layer.getConfig());
  const got = stableJson(copy.getConfig());
  if (copy.className !== layer.className || want !== got) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `the clone of layer '${layer.name}' (${layer.className}) differs from it: config ${want} vs ${copy.className} ${got}; pass cloneFunction to recreate this layer`,
      { details: { layer: layer.name, expected: want, got } },
    );
  }
  return copy;
}
