import { checkActivationPairing, checkDropoutPairing, type WarnFunction } from '@steadygrad/activations';
import { type Activation, checkOptions, type Initializer, optionKeys } from '@steadygrad/core';
import type { Layer } from './layer.js';

/** Options of {@link checkPairings}. */
export interface CheckPairingsOptions {
  /** Receives each warning. Default `console.warn`. */
  readonly warn?: WarnFunction;
}

const KEYS = optionKeys<CheckPairingsOptions>()(['warn']);

function activationOf(layer: Layer): Activation | undefined {
  const a = (layer as unknown as { activation?: unknown }).activation;
  if (typeof a !== 'object' || a === null) return undefined;
  const { name, pairsWith } = a as Partial<Activation>;
  return typeof name === 'string' && typeof pairsWith === 'string' ? (a as Activation) : undefined;
}

function kernelInitializerOf(layer: Layer): Initializer | undefined {
  const k = (layer as unknown as { kernelInitializer?: unknown }).kernelInitializer;
  return typeof k === 'object' && k !== null && typeof (k as Initializer).name === 'string'
    ? (k as Initializer)
    : undefined;
}

/**
 * The chapter's pairing lessons over a model's layers, so they fire without a hand call: SELU with a kernel
 * initializer that is not LeCun's (it self-normalizes only with `lecun_normal`, Klambauer et al. 2017, seed
 * cell 4), and SELU in a model with plain `Dropout` (use `AlphaDropout`). A standalone `Activation('selu')` is
 * judged with the kernel initializer of the layer before it (Keras's `Dense(…)` + `Activation('selu')`).
 * Each warning is given once per pair and `warn` sink for the life of the process (activations'
 * `checkActivationPairing` / `checkDropoutPairing`). Returns the number of warnings given by this call.
 *
 * `compile` runs it; `compile(model, { pairingWarnings: false })` silences it.
 */
export function checkPairings(layers: readonly Layer[], options: CheckPairingsOptions = {}): number {
  checkOptions('checkPairings', options, KEYS);
  const sink = options.warn === undefined ? {} : { warn: options.warn };
  const plainDropout = layers.some((l) => l.className === 'Dropout');
  let warned = 0;
  let lastInitializer: Initializer | undefined;
  for (const layer of layers) {
    lastInitializer = kernelInitializerOf(layer) ?? lastInitializer;
    const act = activationOf(layer);
    if (act === undefined || act.pairsWith !== 'lecun') continue;
    if (lastInitializer !== undefined && checkActivationPairing(act, lastInitializer, sink)) warned++;
    if (plainDropout && checkDropoutPairing(act, 'Dropout', sink)) warned++;
  }
  return warned;
}
