import { SteadygradError } from '@steadygrad/core';
import { Dense, type Layer, type Shape } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { convParameterPlan } from './conv-layers-json.js';
import {
  type FunctionalEntry,
  type FunctionalGraph,
  type FunctionalLoaderHooks,
  functionalInputShapes,
  nodeKey,
} from './functional-json.js';

/** A parameter a layer will create when built: its full name (`layer/kernel`) and shape. */
export interface PlannedParameter {
  readonly layer: string;
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: number;
}

/** Layers whose parameters {@link planParameters} knows without building them; the rest must own none. */
const PARAMETER_FREE = new Set(['Flatten', 'Activation', 'Dropout', 'Add', 'Multiply', 'Concatenate']);

/**
 * The parameters `layer` will create when built for `inputShape` (batch dimension `null`), computed from its
 * configuration alone — no tensor is allocated. Mirrors the layers' `build` (Dense: `kernel [in, units]`,
 * `bias [units]` when `useBias`; BatchNormalization: `gamma` when `scale`, `beta` when `center`,
 * `moving_mean`, `moving_variance`, each `[features]`), which a test checks against real builds.
 *
 * @throws SteadygradError `SHAPE_MISMATCH` when the input shape cannot feed the layer, `INCOMPATIBLE` for a
 *   class this plan does not know (add it here with the class to the loader).
 */
export function planParameters(layer: Layer, inputShape: Shape, where: string): PlannedParameter[] {
  const make = (name: string, shape: number[]): PlannedParameter => ({
    layer: layer.name,
    name: `${layer.name}/${name}`,
    shape,
    size: shape.reduce((a, b) => a * b, 1),
  });
  if (layer instanceof Dense) {
    const last = inputShape[inputShape.length - 1];
    if (inputShape.length < 2 || typeof last !== 'number') {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${where}: needs an input of rank >= 2 with a known last axis, got [${inputShape.map((d) => d ?? 'None').join(', ')}]`,
      );
    }
    return [make('kernel', [last, layer.units]), ...(layer.useBias ? [make('bias', [layer.units])] : [])];
  }
  if (layer instanceof BatchNormalization) {
    const rank = inputShape.length;
    const axis = layer.axis < 0 ? layer.axis + rank : layer.axis;
    const c = inputShape[axis];
    if (axis < 1 || axis >= rank || typeof c !== 'number') {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${where}: axis ${layer.axis} has no known feature size in the input shape [${inputShape.map((d) => d ?? 'None').join(', ')}]`,
      );
    }
    return [
      ...(layer.scale ? [make('gamma', [c])] : []),
      ...(layer.center ? [make('beta', [c])] : []),
      make('moving_mean', [c]),
      make('moving_variance', [c]),
    ];
  }
  const conv = convParameterPlan(layer, inputShape, where);
  if (conv !== undefined) return conv.map((p) => make(p.name, p.shape));
  if (PARAMETER_FREE.has(layer.className)) return [];
  throw new SteadygradError(
    'INCOMPATIBLE',
    `${where}: the loader cannot tell which parameters a ${layer.className} layer creates`,
    { details: { className: layer.className } },
  );
}

/** A whole model's planned parameters, in build order, and its total size in values. */
export interface ModelPlan {
  readonly parameters: readonly PlannedParameter[];
  readonly totalValues: number;
}

/** Options of {@link planSequential}. */
export interface PlanOptions {
  /** Stop with `CORRUPT_DATA` as soon as the running total passes this many values (default: no limit). */
  readonly maxValues?: number;
  /** Called with each parameter as soon as it is planned (before the budget check); may throw to stop. */
  readonly visit?: (parameter: PlannedParameter, where: string) => void;
}

/** Hands each planned parameter to `visit` and keeps the running total within `maxValues`. */
function tally(source: string, options: PlanOptions): (p: PlannedParameter, where: string) => void {
  const { maxValues = Number.POSITIVE_INFINITY, visit } = options;
  let total = 0;
  return (p, where) => {
    visit?.(p, where);
    total += p.size;
    if (!Number.isSafeInteger(total) || total > maxValues) {
      throw new SteadygradError(
        'CORRUPT_DATA',
        `${where}: its weight '${p.name}' [${p.shape.join(', ')}] brings the model to ${total} parameters, but ${source} provides ${maxValues} float32 values in all`,
        { details: { layer: p.layer, weight: p.name, parameters: total, available: maxValues } },
      );
    }
  };
}

/**
 * Plans a chain of layers (a Sequential) from its input shape: every parameter's name and shape, and the
 * total count, with no allocation. Each parameter is handed to `visit` as soon as it is known, and planning
 * stops with `CORRUPT_DATA` as soon as the running total passes `maxValues` (the values the weight data
 * actually holds, or a budget), so a file declaring a billion parameters costs no more to reject than one
 * declaring a few.
 */
export function planSequential(
  layers: Iterable<Layer>,
  inputShape: Shape,
  source: string,
  options: PlanOptions = {},
): ModelPlan {
  const parameters: PlannedParameter[] = [];
  const take = tally(source, options);
  let shape: Shape = inputShape;
  for (const layer of layers) {
    const where = `${source}: layer '${layer.name}' (${layer.className})`;
    for (const p of planParameters(layer, shape, where)) {
      take(p, where);
      parameters.push(p);
    }
    shape = layer.computeOutputShape(shape);
  }
  return { parameters, totalValues: parameters.reduce((n, p) => n + p.size, 0) };
}

/**
 * Plans a functional graph (see `parseFunctional`) as {@link planSequential} plans a chain: its calls in
 * order, each layer made for the call and disposed after it (one alive at a time, never built), its
 * parameters planned at its first call (where Keras builds a shared layer), every call's output shape
 * computed and checked by the layer (`symbolicOutputShape`). Nothing is allocated.
 */
export function planFunctional(
  graph: FunctionalGraph,
  source: string,
  hooks: FunctionalLoaderHooks,
  options: PlanOptions = {},
): ModelPlan {
  const parameters: PlannedParameter[] = [];
  const take = tally(source, options);
  const shapes = new Map<string, Shape>();
  for (const [name, shape] of functionalInputShapes(graph, hooks.inputShape))
    shapes.set(nodeKey(name, 0), shape);
  const planned = new Set<string>();
  for (const { name, k, node } of graph.order) {
    const e = graph.entries.get(name) as FunctionalEntry;
    const layer = hooks.makeLayer(e.entry, e.where);
    try {
      const inputs = node.map(([from, n]) => shapes.get(nodeKey(from, n)) as Shape);
      const out = layer.symbolicOutputShape(inputs);
      if (!planned.has(name)) {
        planned.add(name);
        for (const p of planParameters(layer, inputs[0] as Shape, e.where)) {
          take(p, e.where);
          parameters.push(p);
        }
      }
      shapes.set(nodeKey(name, k), out);
    } finally {
      layer.dispose();
    }
  }
  return { parameters, totalValues: parameters.reduce((n, p) => n + p.size, 0) };
}
