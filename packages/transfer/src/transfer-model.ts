import { checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import { Layer, Sequential } from '@steadygrad/nn';
import { cloneModel } from './clone-model.js';
import { checkHeadFits, outputShapeOf } from './input-shapes.js';
import { describe } from './layer-selector.js';
import { reuseLayers } from './reuse-layers.js';

/** Options of {@link transferModel}. */
export interface TransferModelOptions {
  /** The new layers on top of the reused base (seed cell 13: `Dense(1, activation="sigmoid")`). */
  readonly head: Layer | readonly Layer[];
  /** How many top layers of the source to leave out (default `1`, the output layer). */
  readonly drop?: number;
  /**
   * `false` (default): reuse a **clone** of the source's layers (same weights, bit for bit), so training the
   * new model leaves the source unchanged. `true`: reuse the source's own layer objects, exactly as the
   * seed's `Sequential(model_A.layers[:-1])` — training the new model then changes the source too (the
   * seed's warning), which saves memory when the source is not needed any more.
   */
  readonly share?: boolean;
  /** Seed of the head's initialization (the new model's `Sequential` seed; default `0`). */
  readonly seed?: number;
  /** The new model's name (default `'sequential'`). */
  readonly name?: string;
}

export const TRANSFER_MODEL_KEYS = optionKeys<TransferModelOptions>()([
  'head',
  'drop',
  'share',
  'seed',
  'name',
]);

/** What {@link transferModel} builds. */
export interface TransferModel {
  /** Base (reused) layers followed by the head. */
  readonly model: Sequential;
  /** The reused layers, as they sit in `model` (the source's own objects when `share`). */
  readonly base: readonly Layer[];
  readonly head: readonly Layer[];
  readonly shared: boolean;
  /**
   * Frees what the new model owns: the head, and the cloned base unless shared (a shared base belongs to
   * the source model, whose `dispose()` frees it).
   */
  dispose(): void;
}

/**
 * Builds the seed's "model B on A": the source's layers but its top `drop` (cloned unless `share`), then
 * `head`. Checks that the head fits the base's output shape (`SHAPE_MISMATCH` naming the head layer and
 * both shapes) and that the source is built (`NOT_BUILT`).
 */
export function transferModel(source: Sequential, options: TransferModelOptions): TransferModel {
  checkOptions('transferModel', options, TRANSFER_MODEL_KEYS);
  if (!(source instanceof Sequential)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `transferModel expects a Sequential source, got ${describe(source)}`,
    );
  }
  const { head: headOption, drop = 1, share = false, seed = 0, name = 'sequential' } = options ?? {};
  const head: readonly Layer[] = headOption instanceof Layer ? [headOption] : (headOption ?? []);
  if (!Array.isArray(head) || head.length === 0 || head.some((l) => !(l instanceof Layer))) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `head must be a Layer or a non-empty array of layers, got ${describe(headOption)}`,
    );
  }
  if (typeof share !== 'boolean') {
    throw new SteadygradError('INVALID_ARGUMENT', `share must be a boolean, got ${JSON.stringify(share)}`);
  }
  const inputShape = source.inputShape;
  if (!source.built || inputShape === undefined) {
    throw new SteadygradError(
      'NOT_BUILT',
      `source model '${source.name}' is not built: train or build it before reusing its layers`,
    );
  }
  const sourceBase = reuseLayers(source, { drop });
  if (head.some((l) => source.layers.includes(l))) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'head layers must be new layers, not layers of the source model',
    );
  }
  checkHeadFits(head, outputShapeOf(sourceBase, inputShape));

  let base: readonly Layer[];
  if (share) {
    base = sourceBase;
  } else {
    const clone = cloneModel(source);
    base = reuseLayers(clone, { drop });
    for (const l of clone.layers.slice(base.length)) l.dispose();
  }
  let model: Sequential;
  try {
    model = new Sequential([...base, ...head], { seed, name });
  } catch (e) {
    if (!share) for (const l of base) l.dispose();
    throw e;
  }
  return {
    model,
    base,
    head,
    shared: share,
    dispose() {
      for (const l of head) l.dispose();
      if (!share) for (const l of base) l.dispose();
    },
  };
}
