import { type GradientTransformation, SteadygradError } from '@steadygrad/core';
import type { Layer } from '@steadygrad/nn';
import { partition } from '@steadygrad/optim';
import { type LayerContainer, type LayerSelector, layersOf, selectLayers } from './layer-selector.js';

/** The two transformations of {@link discriminativeOptimizer}. */
export interface DiscriminativeGroups {
  /** For the reused layers (typically a lower learning rate, e.g. `sgd({ learningRate: 1e-4 })`). */
  readonly base: GradientTransformation<unknown>;
  /** For the new head (e.g. `sgd({ learningRate: 1e-3 })`). */
  readonly head: GradientTransformation<unknown>;
}

/**
 * One optimizer with different learning rates (or whole optimizers) for the reused base and the new head:
 * `@steadygrad/optim`'s `partition` labelled by layer membership — a parameter of one of `headLayers` gets
 * `head`, every other parameter of `model` gets `base`. Membership is decided by parameter **names** as they
 * are now (`${layer.name}/kernel`, unique within a model), so build this after the model has been built.
 * A parameter that belongs to neither group (not in `model`) throws `UNKNOWN_NAME` at the first step.
 *
 * `headLayers`: a selector on `model` (`-1`, `'dense_3'`, `{ from: -2 }`, a predicate, an array of layers...).
 *
 * With a frozen base the base group simply receives no parameters; when the base is unfrozen the
 * `Optimizer` re-initializes its state for the new trainable set (see `@steadygrad/optim`).
 */
export function discriminativeOptimizer(
  groups: DiscriminativeGroups,
  model: LayerContainer,
  headLayers: LayerSelector,
): GradientTransformation<unknown> {
  if (groups?.base === undefined || groups.head === undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'discriminativeOptimizer needs { base, head } gradient transformations',
    );
  }
  const all = layersOf(model);
  const head = selectLayers(model, headLayers);
  if (head.length === 0) {
    throw new SteadygradError('INVALID_ARGUMENT', 'discriminativeOptimizer: headLayers selects no layer');
  }
  const unbuilt = all.filter((l: Layer) => !l.built);
  if (unbuilt.length > 0) {
    throw new SteadygradError(
      'NOT_BUILT',
      `discriminativeOptimizer labels parameters by name: build the model first (unbuilt: ${unbuilt.map((l) => `'${l.name}'`).join(', ')})`,
    );
  }
  const labels: Record<string, 'base' | 'head'> = {};
  for (const l of all) for (const p of l.parameters) labels[p.name] = 'base';
  for (const l of head) for (const p of l.parameters) labels[p.name] = 'head';
  return partition({ base: groups.base, head: groups.head }, labels) as GradientTransformation<unknown>;
}
