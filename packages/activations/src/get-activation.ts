import { type Activation, SteadygradError } from '@steadygrad/core';
import { elu } from './elu.js';
import { linear } from './linear.js';
import { relu } from './relu.js';
import { selu } from './selu.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { tanh } from './tanh.js';

/** What {@link getActivation} accepts: a Keras name, an activation object, or `undefined` (linear). */
export type ActivationIdentifier = string | Activation | undefined;

const FACTORIES = {
  relu: () => relu,
  elu: () => elu(),
  selu: () => selu,
  sigmoid: () => sigmoid,
  tanh: () => tanh,
  softmax: () => softmax(),
  linear: () => linear,
} as const satisfies Record<string, () => Activation>;

/** The Keras activation names {@link getActivation} resolves, in a stable order. */
export const ACTIVATION_NAMES: readonly string[] = Object.freeze(Object.keys(FACTORIES));

/**
 * Resolves an activation the way a Keras layer's `activation` argument does: a Keras name
 * (`'relu'`, `'selu'`, …; see {@link ACTIVATION_NAMES}) gives the activation with Keras 3 defaults, an
 * {@link Activation} object is returned as is, `undefined` gives {@link linear}.
 *
 * @throws SteadygradError `UNKNOWN_NAME` for an unknown name (the message lists the valid ones),
 *   `INVALID_ARGUMENT` for anything else that is not an activation.
 */
export function getActivation(identifier: ActivationIdentifier): Activation {
  if (identifier === undefined) return linear;
  if (typeof identifier === 'string') {
    if (Object.hasOwn(FACTORIES, identifier)) return FACTORIES[identifier as keyof typeof FACTORIES]();
    throw new SteadygradError(
      'UNKNOWN_NAME',
      `unknown activation ${JSON.stringify(identifier)}; expected one of ${ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ')} or an Activation object`,
      { details: { name: identifier, valid: ACTIVATION_NAMES } },
    );
  }
  if (isActivation(identifier)) return identifier;
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `activation must be a name (one of ${ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ')}), an Activation object ({ name, config, pairsWith, apply }) or undefined, got ${describe(identifier)}`,
    { details: { value: identifier } },
  );
}

/** True for an object with the core {@link Activation} shape. */
export function isActivation(value: unknown): value is Activation {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    typeof v.apply === 'function' &&
    typeof v.config === 'object' &&
    v.config !== null &&
    (v.pairsWith === 'glorot' || v.pairsWith === 'he' || v.pairsWith === 'lecun')
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).join(', ')}]`;
  return `${typeof value} ${String(value)}`;
}
