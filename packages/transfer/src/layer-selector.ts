import { SteadygradError } from '@steadygrad/core';
import type { Layer } from '@steadygrad/nn';

/** Anything with an ordered list of layers (`Sequential`, or a plain array of layers). */
export type LayerContainer = { readonly layers: readonly Layer[] } | readonly Layer[];

/**
 * Which layers of a model an operation applies to:
 * - a layer index (negative counts from the end, as in Python: `-1` is the last layer),
 * - a layer name,
 * - a `Layer` object of the model,
 * - `'all'`,
 * - `{ from?, to? }`: the index range `[from, to)` (Python slice bounds, negatives allowed; `{ to: -1 }` is
 *   the seed's `model.layers[:-1]`),
 * - a predicate `(layer, index) => boolean`,
 * - or an array of indices, names and layers.
 */
export type LayerSelector =
  | number
  | string
  | Layer
  | 'all'
  | { readonly from?: number; readonly to?: number }
  | ((layer: Layer, index: number) => boolean)
  | readonly (number | string | Layer)[];

/** The layers of a container (a `Sequential` or an array). */
export function layersOf(container: LayerContainer): readonly Layer[] {
  if (Array.isArray(container)) return container as readonly Layer[];
  const layers = (container as { layers?: unknown }).layers;
  if (!Array.isArray(layers)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `expected a model with a 'layers' array or an array of layers, got ${describe(container)}`,
    );
  }
  return layers as readonly Layer[];
}

function resolveIndex(index: number, n: number): number {
  if (!Number.isInteger(index) || index < -n || index >= n) {
    throw new SteadygradError(
      'OUT_OF_RANGE',
      `layer index ${index} is out of range for a model with ${n} layers; expected an integer in [${-n}, ${n - 1}]`,
      { details: { index, layers: n } },
    );
  }
  return index < 0 ? n + index : index;
}

/** Python slice bound: negatives count from the end, then clamped to [0, n]. */
function sliceBound(name: string, value: number, n: number): number {
  if (!Number.isInteger(value)) {
    throw new SteadygradError('INVALID_ARGUMENT', `${name} must be an integer, got ${JSON.stringify(value)}`);
  }
  const v = value < 0 ? n + value : value;
  return Math.min(Math.max(v, 0), n);
}

/**
 * The indices (ascending, without duplicates) that `selector` picks in `container`. Unknown names throw
 * `NOT_FOUND` listing the model's layer names; indices out of range throw `OUT_OF_RANGE`; a layer that is
 * not in the model throws `NOT_FOUND`.
 */
export function selectLayerIndices(container: LayerContainer, selector: LayerSelector): number[] {
  const layers = layersOf(container);
  const n = layers.length;
  const picked = new Set<number>();
  const pickOne = (s: number | string | Layer): void => {
    if (typeof s === 'number') {
      picked.add(resolveIndex(s, n));
    } else if (typeof s === 'string') {
      const i = layers.findIndex((l) => l.name === s);
      if (i < 0) {
        throw new SteadygradError(
          'NOT_FOUND',
          `no layer named '${s}'; the model's layers are: ${layers.map((l) => `'${l.name}'`).join(', ')}`,
          { details: { name: s, names: layers.map((l) => l.name) } },
        );
      }
      picked.add(i);
    } else if (typeof s === 'object' && s !== null && layers.includes(s as Layer)) {
      picked.add(layers.indexOf(s as Layer));
    } else {
      throw new SteadygradError(
        'NOT_FOUND',
        `layer selector ${describe(s)} is neither an index, a name, nor one of the model's layers (${layers.map((l) => `'${l.name}'`).join(', ')})`,
      );
    }
  };
  if (selector === 'all') {
    for (let i = 0; i < n; i++) picked.add(i);
  } else if (typeof selector === 'function') {
    layers.forEach((l, i) => {
      if (selector(l, i)) picked.add(i);
    });
  } else if (Array.isArray(selector)) {
    for (const s of selector as readonly (number | string | Layer)[]) pickOne(s);
  } else if (
    typeof selector === 'object' &&
    selector !== null &&
    !('className' in selector) &&
    ('from' in selector || 'to' in selector)
  ) {
    const range = selector as { readonly from?: number; readonly to?: number };
    const from = range.from === undefined ? 0 : sliceBound('from', range.from, n);
    const to = range.to === undefined ? n : sliceBound('to', range.to, n);
    for (let i = from; i < to; i++) picked.add(i);
  } else {
    pickOne(selector as number | string | Layer);
  }
  return [...picked].sort((a, b) => a - b);
}

/** The layers that `selector` picks, in model order. */
export function selectLayers(container: LayerContainer, selector: LayerSelector): Layer[] {
  const layers = layersOf(container);
  return selectLayerIndices(container, selector).map((i) => layers[i] as Layer);
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  if (typeof v === 'string') return JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}
