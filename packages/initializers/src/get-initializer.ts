import {
  type Initializer,
  type KerasName,
  resolveName as resolveKerasName,
  SteadygradError,
} from '@steadygrad/core';
import { constant, ones, zeros } from './constant.js';
import { identity } from './identity.js';
import {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
} from './named-schemes.js';
import { orthogonal } from './orthogonal.js';
import { randomNormal } from './random-normal.js';
import { randomUniform } from './random-uniform.js';
import { truncatedNormal } from './truncated-normal.js';
import { varianceScaling } from './variance-scaling.js';

type Factory = (config: Readonly<Record<string, unknown>>) => Initializer;

// The config objects the factories read are the ones `Initializer.config` holds, so
// `initializerFromConfig(init.name, init.config)` rebuilds an equivalent initializer.
const FACTORIES = {
  zeros: () => zeros(),
  ones: () => ones(),
  constant: (c) => constant(c.value as number | undefined),
  random_normal: (c) => randomNormal(c),
  random_uniform: (c) => randomUniform(c),
  truncated_normal: (c) => truncatedNormal(c),
  variance_scaling: (c) => varianceScaling(c),
  glorot_uniform: () => glorotUniform(),
  glorot_normal: () => glorotNormal(),
  he_normal: () => heNormal(),
  he_uniform: () => heUniform(),
  lecun_normal: () => lecunNormal(),
  lecun_uniform: () => lecunUniform(),
  orthogonal: (c) => orthogonal(c),
  identity: (c) => identity(c),
} satisfies Record<string, Factory>;

/** A canonical (Keras snake_case) initializer name. */
export type InitializerName = keyof typeof FACTORIES;

/**
 * An initializer name as a user writes it: Keras's snake_case (`'he_normal'`) or tfjs-layers' camelCase
 * (`'heNormal'`); other spellings ({@link INITIALIZER_ALIASES}) are accepted at run time too.
 */
export type InitializerNameLike = KerasName<InitializerName>;

/** What a layer's `kernelInitializer` accepts: a name ({@link InitializerNameLike}) or an `Initializer`. */
export type InitializerIdentifier = InitializerNameLike | Initializer;

/** The canonical Keras names `getInitializer` resolves (each one is also an `Initializer.name`). */
export const INITIALIZER_NAMES: readonly InitializerName[] = Object.freeze(
  Object.keys(FACTORIES) as InitializerName[],
);

/**
 * Other spellings `getInitializer` accepts: the Keras class names (`'GlorotUniform'`), Keras 3's short aliases
 * (`'uniform'`, `'normal'`, `'one'`, `'zero'`), our function names (`'glorotUniform'`) and the Xavier names.
 * (No `kaiming_*` aliases on purpose: PyTorch's `kaiming_normal_` draws an untruncated normal, our `he_normal`
 * a truncated one — use `varianceScaling({ scale: 2, distribution: 'untruncatedNormal' })` for PyTorch's.)
 */
export const INITIALIZER_ALIASES: Readonly<Record<string, InitializerName>> = Object.freeze({
  Zeros: 'zeros',
  Ones: 'ones',
  Constant: 'constant',
  RandomNormal: 'random_normal',
  RandomUniform: 'random_uniform',
  TruncatedNormal: 'truncated_normal',
  VarianceScaling: 'variance_scaling',
  GlorotUniform: 'glorot_uniform',
  GlorotNormal: 'glorot_normal',
  HeNormal: 'he_normal',
  HeUniform: 'he_uniform',
  LecunNormal: 'lecun_normal',
  LecunUniform: 'lecun_uniform',
  Orthogonal: 'orthogonal',
  OrthogonalInitializer: 'orthogonal',
  Identity: 'identity',
  IdentityInitializer: 'identity',
  zero: 'zeros',
  one: 'ones',
  uniform: 'random_uniform',
  normal: 'random_normal',
  randomNormal: 'random_normal',
  randomUniform: 'random_uniform',
  truncatedNormal: 'truncated_normal',
  varianceScaling: 'variance_scaling',
  glorotUniform: 'glorot_uniform',
  glorotNormal: 'glorot_normal',
  heNormal: 'he_normal',
  heUniform: 'he_uniform',
  lecunNormal: 'lecun_normal',
  lecunUniform: 'lecun_uniform',
  xavier_uniform: 'glorot_uniform',
  xavier_normal: 'glorot_normal',
  xavierUniform: 'glorot_uniform',
  xavierNormal: 'glorot_normal',
});

/**
 * The Keras class name of each canonical initializer name (`'glorot_uniform'` → `'GlorotUniform'`), as Keras
 * and tfjs-layers write it in a model file's `class_name`: the first class-name spelling (capitalized) among
 * {@link INITIALIZER_ALIASES}, so that the name table exists once.
 */
export const INITIALIZER_CLASS_NAMES: Readonly<Record<InitializerName, string>> = Object.freeze(
  Object.fromEntries(
    INITIALIZER_NAMES.map((n) => {
      const className = Object.keys(INITIALIZER_ALIASES).find(
        (alias) => INITIALIZER_ALIASES[alias] === n && /^[A-Z]/.test(alias),
      );
      if (className === undefined) throw new Error(`initializer '${n}' has no class name alias`);
      return [n, className];
    }),
  ) as Record<InitializerName, string>,
);

/**
 * The canonical initializer name of a Keras class name (`'GlorotUniform'` → `'glorot_uniform'`), exactly as
 * {@link INITIALIZER_CLASS_NAMES} writes it, or `undefined` for any other string.
 */
export function initializerNameOfClass(className: string): InitializerName | undefined {
  return INITIALIZER_NAMES.find((n) => INITIALIZER_CLASS_NAMES[n] === className);
}

function resolveName(name: string): InitializerName {
  return resolveKerasName(
    'initializer',
    name,
    INITIALIZER_NAMES,
    INITIALIZER_ALIASES,
    "or an alias such as 'xavier_uniform' or 'GlorotUniform', or an Initializer object",
  );
}

function isInitializer(x: unknown): x is Initializer {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Initializer).init === 'function' &&
    typeof (x as Initializer).name === 'string'
  );
}

/**
 * Resolves what a layer accepts as an initializer: a Keras name (`'glorot_uniform'`, `'he_normal'`,
 * `'zeros'`, …, see {@link INITIALIZER_NAMES} and {@link INITIALIZER_ALIASES}) with its Keras default
 * arguments, or an `Initializer` object, returned as is. An unknown name throws `UNKNOWN_NAME` listing
 * the valid names; anything else throws `INVALID_ARGUMENT`.
 */
export function getInitializer(nameOrInitializer: string | Initializer): Initializer {
  if (typeof nameOrInitializer === 'string') return FACTORIES[resolveName(nameOrInitializer)]({});
  if (isInitializer(nameOrInitializer)) return nameOrInitializer;
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `initializer must be a name (one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')}) or an object with name, config and init(shape, rng), got ${typeof nameOrInitializer === 'object' ? JSON.stringify(nameOrInitializer) : String(nameOrInitializer)}`,
    { details: { value: nameOrInitializer } },
  );
}

/**
 * Rebuilds an initializer from its `name` and `config` (as stored by `Initializer.name`/`.config`, e.g. in a
 * saved model's config). Unknown name => `UNKNOWN_NAME`; bad config values => `INVALID_ARGUMENT`.
 */
export function initializerFromConfig(
  name: string,
  config: Readonly<Record<string, unknown>> = {},
): Initializer {
  return FACTORIES[resolveName(name)](config);
}
