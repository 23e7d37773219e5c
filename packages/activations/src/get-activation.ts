import { type Activation, type KerasName, resolveName, SteadygradError } from '@steadygrad/core';
import { elu } from './elu.js';
import { gelu } from './gelu.js';
import { hardSigmoid } from './hard-sigmoid.js';
import { leakyRelu } from './leaky-relu.js';
import { linear } from './linear.js';
import { mish } from './mish.js';
import { relu } from './relu.js';
import { relu6 } from './relu6.js';
import { selu } from './selu.js';
import { sigmoid } from './sigmoid.js';
import { softmax } from './softmax.js';
import { softplus } from './softplus.js';
import { silu, swish } from './swish.js';
import { tanh } from './tanh.js';

/** What {@link getActivation} accepts: a Keras name, an activation object, or `undefined` (linear). */
export type ActivationIdentifier = string | Activation | undefined;

// Keras 3 names with Keras 3 defaults (leaky_relu by name: the layer default 0.3, see leakyRelu).
const FACTORIES = {
  relu: () => relu,
  relu6: () => relu6,
  leaky_relu: () => leakyRelu(),
  elu: () => elu(),
  selu: () => selu,
  gelu: () => gelu(),
  swish: () => swish,
  silu: () => silu,
  mish: () => mish,
  softplus: () => softplus,
  sigmoid: () => sigmoid,
  tanh: () => tanh,
  softmax: () => softmax(),
  hard_sigmoid: () => hardSigmoid,
  linear: () => linear,
} as const satisfies Record<string, () => Activation>;

/** A Keras activation name that {@link getActivation} resolves. */
export type ActivationName = keyof typeof FACTORIES;

/** An activation name in Keras's snake_case (`'leaky_relu'`) or tfjs-layers' camelCase (`'leakyRelu'`). */
export type ActivationNameLike = KerasName<ActivationName>;

/** The Keras activation names {@link getActivation} resolves, in a stable order. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze(
  Object.keys(FACTORIES) as ActivationName[],
);

/** Our camelCase export names accepted as aliases of the Keras snake_case names. */
export const ACTIVATION_ALIASES: Readonly<Record<string, ActivationName>> = Object.freeze({
  leakyRelu: 'leaky_relu',
  hardSigmoid: 'hard_sigmoid',
});

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
    return FACTORIES[
      resolveName('activation', identifier, ACTIVATION_NAMES, ACTIVATION_ALIASES, 'or an Activation object')
    ]();
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
