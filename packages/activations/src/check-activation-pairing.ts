import type { Activation, InitializerFamily } from '@steadygrad/core';
import { checkOptions, optionKeys } from '@steadygrad/core';
import { type ActivationIdentifier, getActivation } from './get-activation.js';

/** An initializer as a Keras name (`'lecun_normal'`) or an object with a `name` (and optional `config`). */
export type InitializerLike =
  | string
  | { readonly name: string; readonly config?: Readonly<Record<string, unknown>> };

/** Where pairing warnings go. */
export type WarnFunction = (message: string) => void;

/** Options of {@link checkActivationPairing} and {@link createPairingChecker}. */
export interface PairingCheckOptions {
  /** Receives the warning message. Default `console.warn`. */
  readonly warn?: WarnFunction;
}

const PAIRING_KEYS = optionKeys<PairingCheckOptions>()(['warn']);

/**
 * The variance-scaling family of an initializer, from its name: `glorot_*`/`xavier_*` → `'glorot'`,
 * `he_*`/`kaiming_*` → `'he'`, `lecun_*` → `'lecun'` (Keras snake_case, CamelCase and camelCase spellings);
 * a `variance_scaling` initializer object with `mode` fan-in is `'lecun'` for scale 1 and `'he'` for
 * scale 2, with fan-avg and scale 1 `'glorot'`. Anything else (zeros, random_normal, orthogonal…)
 * has no family: `undefined`.
 */
export function initializerFamily(initializer: InitializerLike): InitializerFamily | undefined {
  const name = typeof initializer === 'string' ? initializer : initializer.name;
  const key = name.toLowerCase().replaceAll('_', '');
  if (key.startsWith('glorot') || key.startsWith('xavier')) return 'glorot';
  if (key === 'henormal' || key === 'heuniform' || key.startsWith('kaiming')) return 'he';
  if (key.startsWith('lecun')) return 'lecun';
  if (key === 'variancescaling' && typeof initializer === 'object' && initializer.config !== undefined) {
    const { scale = 1, mode = 'fanIn' } = initializer.config as { scale?: unknown; mode?: unknown };
    const m = String(mode).toLowerCase().replaceAll('_', '');
    if (m === 'fanin' && scale === 1) return 'lecun';
    if (m === 'fanin' && scale === 2) return 'he';
    if (m === 'fanavg' && scale === 1) return 'glorot';
  }
  return undefined;
}

/**
 * The pairing advice for an (activation, initializer) pair, or `undefined` when there is nothing to say.
 * Pure. Today it speaks only for SELU: SELU self-normalizes only with LeCun initialization
 * (`'lecun_normal'`, as in the paper and seed cell 4; `'lecun_uniform'` has the same variance 1/fan_in
 * and is accepted), so any other initializer gets a message. Other families are advisory
 * (`activation.pairsWith`) and not warned about.
 */
export function pairingWarning(
  activation: ActivationIdentifier,
  initializer: InitializerLike,
): string | undefined {
  const act = getActivation(activation);
  if (act.pairsWith !== 'lecun') return undefined;
  if (initializerFamily(initializer) === 'lecun') return undefined;
  const initName = typeof initializer === 'string' ? initializer : initializer.name;
  return (
    `activation '${act.name}' self-normalizes only with LeCun initialization; got initializer '${initName}'. ` +
    'Use kernelInitializer: \'lecun_normal\' (Klambauer et al., 2017; seed cell 4: "using the lecun initializer is necessary for SELU").'
  );
}

/** A pairing checker with its own once-memory (see {@link createPairingChecker}). */
export type PairingChecker = (activation: ActivationIdentifier, initializer: InitializerLike) => boolean;

/**
 * Makes a checker that warns (through `warn`) at most once per (activation name, initializer name) pair
 * over its own lifetime; the memory lives in the returned closure. Returns true when it warned on this
 * call. Give one to each model, trainer or test for independent once-semantics.
 */
export function createPairingChecker(options: PairingCheckOptions = {}): PairingChecker {
  checkOptions('createPairingChecker', options, PAIRING_KEYS);
  const { warn = defaultWarn } = options;
  const seen = new Set<string>();
  return (activation, initializer) => {
    const message = pairingWarning(activation, initializer);
    if (message === undefined) return false;
    const act = getActivation(activation);
    const key = `${act.name}\u0000${typeof initializer === 'string' ? initializer : initializer.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    warn(message);
    return true;
  };
}

/**
 * Warns once per (activation, initializer) pair when SELU is combined with a non-LeCun initializer
 * (see {@link pairingWarning}); returns true when it warned on this call.
 *
 * Once-semantics are per `warn` function for the life of the process: the checkers are kept in a
 * `WeakMap` keyed by `warn` (so the default `console.warn` warns once per process and pair, and a test's
 * own spy starts with a clean memory). Use {@link createPairingChecker} to scope the memory yourself.
 */
export function checkActivationPairing(
  activation: ActivationIdentifier | Activation,
  initializer: InitializerLike,
  options: PairingCheckOptions = {},
): boolean {
  const { warn = defaultWarn } = options;
  let checker = checkersByWarn.get(warn);
  if (checker === undefined) {
    checker = createPairingChecker({ warn });
    checkersByWarn.set(warn, checker);
  }
  return checker(activation, initializer);
}

/**
 * The advice for SELU followed by a dropout layer, or `undefined`: plain (inverted) dropout breaks SELU's
 * self-normalization (it changes the variance and zero is not SELU's saturation value); alpha dropout
 * (Klambauer et al., 2017) keeps mean and variance. `dropout` is the dropout layer's class or Keras name
 * (`'Dropout'`, `'dropout'`, `'AlphaDropout'`, `'alpha_dropout'`, ...); only plain dropout is warned about.
 */
export function dropoutPairingWarning(activation: ActivationIdentifier, dropout: string): string | undefined {
  const act = getActivation(activation);
  if (act.pairsWith !== 'lecun') return undefined;
  if (dropout.toLowerCase().replaceAll('_', '') !== 'dropout') return undefined;
  return (
    `activation '${act.name}' loses its self-normalization under plain ${dropout}; ` +
    'use alpha dropout (AlphaDropout), which keeps the mean and variance (Klambauer et al., 2017).'
  );
}

/**
 * Warns once per (activation, dropout kind) pair when SELU is followed by plain dropout
 * (see {@link dropoutPairingWarning}); same once-semantics as {@link checkActivationPairing}
 * (per `warn` function, process lifetime). Returns true when it warned on this call.
 */
export function checkDropoutPairing(
  activation: ActivationIdentifier,
  dropout: string,
  options: PairingCheckOptions = {},
): boolean {
  const { warn = defaultWarn } = options;
  const message = dropoutPairingWarning(activation, dropout);
  if (message === undefined) return false;
  const key = `dropout\u0000${getActivation(activation).name}\u0000${dropout}`;
  let seen = dropoutSeenByWarn.get(warn);
  if (seen === undefined) {
    seen = new Set();
    dropoutSeenByWarn.set(warn, seen);
  }
  if (seen.has(key)) return false;
  seen.add(key);
  warn(message);
  return true;
}

// Process-level once-memory, keyed (weakly) by the warn sink; documented on checkActivationPairing and
// checkDropoutPairing. Nothing else in the package keeps state.
const checkersByWarn = new WeakMap<WarnFunction, PairingChecker>();
const dropoutSeenByWarn = new WeakMap<WarnFunction, Set<string>>();

function defaultWarn(message: string): void {
  console.warn(message);
}
