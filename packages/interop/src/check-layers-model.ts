import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import type { Layer, Shape } from '@steadygrad/nn';
import { type FunctionalGraph, parseFunctional } from './functional-json.js';
import { corrupt, makeLayer, makeLayers } from './layer-from-keras.js';
import { type PlannedParameter, type PlanOptions, planFunctional, planSequential } from './parameter-plan.js';
import { declaredShape, type ParsedSpec, readLayersModelJson } from './read-layers-model-json.js';

/**
 * Finds manifest entries by parameter name: exactly (a trailing `:0` ignored), else by a unique `/`-suffix
 * (converted Keras files prefix the model's name). Indexed once, so matching n parameters costs O(n).
 */
function specIndex(specs: readonly ParsedSpec[]): (full: string) => ParsedSpec | undefined {
  const exact = new Map<string, ParsedSpec[]>();
  const suffix = new Map<string, ParsedSpec[]>();
  const add = (m: Map<string, ParsedSpec[]>, k: string, s: ParsedSpec) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [s]);
    else list.push(s);
  };
  for (const s of specs) {
    const name = s.name.replace(/:0$/, '');
    add(exact, name, s);
    for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) add(suffix, name.slice(i + 1), s);
  }
  return (full) => {
    const e = exact.get(full);
    if (e !== undefined) return e.length === 1 ? e[0] : undefined;
    const s = suffix.get(full);
    return s !== undefined && s.length === 1 ? s[0] : undefined;
  };
}

/** The default budget of the loaders' `maxWeightBytes`: 2 GiB of float32 weights. */
export const DEFAULT_MAX_WEIGHT_BYTES = 2 ** 31;

/** What {@link checkLayersModelJson} found: the parsed file and every parameter matched to its weight. */
export interface CheckedLayersModel extends ReturnType<typeof readLayersModelJson> {
  /** Every parameter the model will create, in build order, with the manifest entry that fills it. */
  readonly matches: readonly { readonly parameter: PlannedParameter; readonly spec: ParsedSpec }[];
  /** A functional model's parsed graph (absent for a Sequential). */
  readonly graph?: FunctionalGraph;
}

/** The input must be small enough that shapes computed from it stay exact. */
function checkInputSize(inputShape: Shape, source: string): void {
  const inputSize = inputShape.slice(1).reduce((a: number, b) => a * (b ?? 1), 1);
  if (!Number.isSafeInteger(inputSize) || inputSize > 2 ** 28) {
    throw corrupt(
      `${source}: the input shape [${inputShape.join(', ')}] is too large (at most 2^28 values per sample)`,
    );
  }
}

/**
 * Matches the parameters `plan` announces (`planSequential` or `planFunctional` with the given options)
 * against the manifest: every parameter has exactly one weight of its shape, every weight belongs to a
 * parameter, and the total stays within the weight data and the budget. Pure bookkeeping on the JSON —
 * nothing is built or allocated; the planners make one layer at a time.
 */
export function matchWeights(
  plan: (options: PlanOptions) => unknown,
  parsed: ReturnType<typeof readLayersModelJson>,
  source: string,
  maxWeightBytes: number,
): CheckedLayersModel['matches'] {
  const { specs } = parsed;
  if (parsed.weightBytes > maxWeightBytes) {
    throw corrupt(
      `${source}: its weights manifest lists ${parsed.weightBytes} bytes of weights, more than maxWeightBytes (${maxWeightBytes})`,
      { weightBytes: parsed.weightBytes, maxWeightBytes },
    );
  }
  const find = specIndex(specs);
  const used = new Set<ParsedSpec>();
  const matches: { parameter: PlannedParameter; spec: ParsedSpec }[] = [];
  // Each parameter is matched as soon as it is planned, so the first one the file cannot fill is named;
  // distinct weights of equal shapes also bound the planned total by the manifest's.
  plan({
    maxValues: parsed.weightBytes / 4,
    visit: (p, where) => {
      const available = parsed.weightBytes / 4;
      if (p.size > available) {
        throw corrupt(
          `${where}: weight '${p.name}' [${p.shape.join(', ')}] needs ${p.size} values, but the weight data holds ${available} float32 values in all`,
          { layer: p.layer, weight: p.name, needed: p.size, available },
        );
      }
      const spec = find(p.name);
      if (spec === undefined) {
        throw corrupt(
          `${where}: weight '${p.name}' (shape [${p.shape.join(', ')}]) is missing from the weights manifest`,
          { layer: p.layer, weight: p.name },
        );
      }
      if (spec.shape.length !== p.shape.length || spec.shape.some((d, i) => d !== p.shape[i])) {
        throw new SteadygradError(
          'SHAPE_MISMATCH',
          `${where}: weight '${spec.name}' has shape [${spec.shape.join(', ')}] in ${source}, the layer needs [${p.shape.join(', ')}]`,
          { details: { layer: p.layer, weight: spec.name, expected: [...p.shape], got: spec.shape } },
        );
      }
      if (used.has(spec)) {
        throw corrupt(`${where}: weight '${spec.name}' is claimed by two parameters`, { weight: spec.name });
      }
      used.add(spec);
      matches.push({ parameter: p, spec });
    },
  });
  const surplus = specs.filter((s) => !used.has(s)).map((s) => s.name);
  if (surplus.length > 0) {
    throw corrupt(
      `${source}: weights ${surplus
        .slice(0, 10)
        .map((n) => `'${n}'`)
        .join(
          ', ',
        )}${surplus.length > 10 ? ` and ${surplus.length - 10} more` : ''} belong to no layer of the model`,
      { weights: surplus.slice(0, 100), count: surplus.length },
    );
  }
  return matches;
}

/** Options of {@link checkLayersModelJson}. */
export interface CheckLayersModelOptions {
  /** Names the source in error messages (default `'model.json'`). */
  readonly source?: string;
  /** Refuse models whose weights manifest lists more than this many bytes (default 2 GiB). */
  readonly maxWeightBytes?: number;
}

const CHECK_KEYS = optionKeys<CheckLayersModelOptions>()(['source', 'maxWeightBytes']);

/** `maxWeightBytes` as the loaders take it: an integer >= 0. */
export function checkMaxWeightBytes(value: number | undefined): number {
  return value === undefined
    ? DEFAULT_MAX_WEIGHT_BYTES
    : checkNumber('maxWeightBytes', value, { min: 0, integer: true });
}

/**
 * Validates a whole tfjs-layers `model.json` object before anything is built: its structure, every layer's
 * configuration, and every parameter each layer will create (names and shapes, computed from the declared
 * sizes without allocating) against the weights manifest — each parameter matched to one weight of its
 * shape, no weight left over, the total within `maxWeightBytes`. Costs memory in proportion to the JSON only,
 * so a small file that declares a huge model is rejected cheaply. Returns the parsed file and the matches.
 *
 * @throws SteadygradError as {@link fromLayersModel} does, for everything that does not need the weight bytes.
 */
export function checkLayersModelJson(
  modelJson: unknown,
  options: CheckLayersModelOptions = {},
): CheckedLayersModel {
  checkOptions('checkLayersModelJson', options, CHECK_KEYS);
  const { source = 'model.json' } = options ?? {};
  const maxWeightBytes = checkMaxWeightBytes(options?.maxWeightBytes);
  const parsed = readLayersModelJson(modelJson, source);
  if (parsed.functional !== undefined) {
    const graph = parseFunctional(parsed.functional, source);
    const hooks = { makeLayer, inputShape: declaredShape };
    const plan = (o: PlanOptions) => planFunctional(graph, source, hooks, o);
    return { ...parsed, graph, matches: matchWeights(plan, parsed, source, maxWeightBytes) };
  }
  checkInputSize(parsed.inputShape, source);
  // One layer alive at a time: a 2 MB file can declare tens of thousands of layers, and only their
  // parameters' names and shapes are needed here.
  function* oneByOne(): Generator<Layer> {
    for (const entry of parsed.layers) {
      const [layer] = makeLayers([entry], source);
      try {
        yield layer as Layer;
      } finally {
        layer?.dispose();
      }
    }
  }
  const plan = (o: PlanOptions) => planSequential(oneByOne(), parsed.inputShape, source, o);
  return { ...parsed, matches: matchWeights(plan, parsed, source, maxWeightBytes) };
}
