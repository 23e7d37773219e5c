import { suggestName } from './check-options.js';
import { SteadygradError } from './errors.js';

/** `sparse_categorical_crossentropy` → `sparseCategoricalCrossentropy`, at the type level. */
export type SnakeToCamel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<SnakeToCamel<Tail>>}`
  : S;

/** A Keras snake_case name or its tfjs-layers camelCase spelling: `'he_normal' | 'heNormal'`. */
export type KerasName<N extends string> = N | SnakeToCamel<N>;

/**
 * `sparseCategoricalCrossentropy` → `sparse_categorical_crossentropy`, `GlorotUniform` → `glorot_uniform`,
 * `L1L2` → `l1_l2`: camelCase and PascalCase to Keras's snake_case (a snake_case name is returned lowercased).
 */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * Resolves a user-given name of a `kind` (`'loss'`, `'initializer'`, …) to one of the canonical Keras names:
 * the name itself, an entry of `aliases` (other spellings: `'xavier_uniform'`, `'acc'`), or the snake_case
 * form of a camelCase / PascalCase spelling (tfjs-layers' `'sparseCategoricalCrossentropy'`, Keras's class
 * name `'GlorotUniform'`). Anything else is `UNKNOWN_NAME` with a "did you mean" (see {@link suggestName})
 * and the list of valid names.
 *
 * @param hint - appended to the message, e.g. `'or pass a loss function'`.
 */
export function resolveName<N extends string>(
  kind: string,
  name: string,
  names: readonly N[],
  aliases: Readonly<Record<string, N>> = {},
  hint?: string,
): N {
  if ((names as readonly string[]).includes(name)) return name as N;
  if (Object.hasOwn(aliases, name)) return aliases[name] as N;
  const snake = toSnakeCase(name);
  if ((names as readonly string[]).includes(snake)) return snake as N;
  if (Object.hasOwn(aliases, snake)) return aliases[snake] as N;
  const spelled = [...names, ...Object.keys(aliases)];
  const close = suggestName(snake, spelled);
  const suggestion = close === undefined ? undefined : Object.hasOwn(aliases, close) ? aliases[close] : close;
  const valid = names.map((n) => `'${n}'`).join(', ');
  const did = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
  throw new SteadygradError(
    'UNKNOWN_NAME',
    `unknown ${kind} ${JSON.stringify(name)}.${did} Valid names: ${valid} (snake_case or camelCase)${hint === undefined ? '' : `, ${hint}`}.`,
    { details: { kind, name, suggestion, valid: [...names], aliases: Object.keys(aliases) } },
  );
}
