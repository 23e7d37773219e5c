import { checkDropoutPairing, type WarnFunction } from '@steadygrad/activations';
import type { Activation } from '@steadygrad/core';
import { checkOptions, optionKeys } from '@steadygrad/core';
import type { Layer } from '@steadygrad/nn';

/** Options of {@link checkDropoutPairings}. */
export interface CheckDropoutPairingsOptions {
  /** Receives the warning. Default `console.warn`. */
  readonly warn?: WarnFunction;
}

const KEYS = optionKeys<CheckDropoutPairingsOptions>()(['warn']);

function activationOf(layer: Layer): Activation | undefined {
  const a = (layer as unknown as { activation?: unknown }).activation;
  if (typeof a !== 'object' || a === null) return undefined;
  const { name, pairsWith } = a as Partial<Activation>;
  return typeof name === 'string' && typeof pairsWith === 'string' ? (a as Activation) : undefined;
}

/**
 * Warns (through activations' `checkDropoutPairing`, once per process and `warn` sink) when a model uses
 * SELU together with plain `Dropout`: inverted dropout breaks SELU's self-normalization; `AlphaDropout`
 * keeps it. Activations are read from the layers' `activation` property (`Dense`, `Activation`), so this
 * costs one pass over the layer list and no tensor work. Returns true when it warned on this call.
 *
 * A layer cannot see the model it is built into (nn's `build(inputShape, rng)` passes no model), so the
 * check runs at the model level: {@link mcPredict} calls it, and a training loop can call it once before
 * fitting.
 */
export function checkDropoutPairings(
  model: { readonly layers: readonly Layer[] },
  options: CheckDropoutPairingsOptions = {},
): boolean {
  checkOptions('checkDropoutPairings', options, KEYS);
  const { warn } = options;
  const hasPlainDropout = model.layers.some((l) => l.className === 'Dropout');
  if (!hasPlainDropout) return false;
  let warned = false;
  for (const layer of model.layers) {
    const act = activationOf(layer);
    if (act === undefined || act.pairsWith !== 'lecun') continue;
    if (checkDropoutPairing(act, 'Dropout', warn === undefined ? {} : { warn })) warned = true;
  }
  return warned;
}
