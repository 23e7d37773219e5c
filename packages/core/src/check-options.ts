import { SteadygradError } from './errors.js';

/**
 * Spellings from Keras, PyTorch and tfjs-layers that are not a case change of ours, mapped to our option name.
 * Consulted only when the suggested name is one of the allowed keys.
 */
const KNOWN_ALIASES: Readonly<Record<string, string>> = {
  lr: 'learningRate',
  epoch: 'epochs',
  batch: 'batchSize',
  eps: 'epsilon',
  weightdecay: 'weightDecay',
  betas: 'beta1',
  clipgrad: 'clipNorm',
  verbosity: 'verbose',
};

/** `learning_rate` → `learningRate`, `clip-value` → `clipValue`. */
export function toCamelCase(name: string): string {
  return name.replace(/[_-]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Levenshtein distance, small strings only. */
function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j] as number;
      prev[j] = Math.min(up + 1, (prev[j - 1] as number) + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length] as number;
}

/**
 * The allowed name a user most likely meant by `key`: its camelCase form (Keras's `learning_rate`), a
 * case-insensitive match (`clipvalue` → `clipValue`), a known alias (`lr` → `learningRate`), or the closest
 * name within a small edit distance. `undefined` when nothing is close.
 */
export function suggestName(key: string, allowed: readonly string[]): string | undefined {
  const camel = toCamelCase(key);
  if (allowed.includes(camel)) return camel;
  const lower = camel.toLowerCase();
  const byCase = allowed.find((a) => a.toLowerCase() === lower);
  if (byCase !== undefined) return byCase;
  const alias = KNOWN_ALIASES[lower];
  if (alias !== undefined && allowed.includes(alias)) return alias;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const a of allowed) {
    const d = editDistance(lower, a.toLowerCase());
    if (d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  const limit = Math.max(1, Math.floor(key.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** The keys of `T` that a key list `K` leaves out; `never` when the list is complete. */
export type MissingKeys<T, K extends readonly unknown[]> = Exclude<keyof T, K[number]>;

/**
 * The allowed-key list of an options type, checked by the compiler to name every key of `T` (and nothing
 * else), so an option added to the interface cannot be forgotten by {@link checkOptions}:
 *
 * ```ts
 * const SGD_KEYS = optionKeys<SgdOptions>()(['learningRate', 'momentum', 'nesterov', ...CLIPPING_KEYS]);
 * ```
 *
 * A key the list leaves out is a type error naming it (`missingKeys: "nesterov"`); a key `T` lacks is one too.
 * The call returns the list unchanged (frozen).
 */
export function optionKeys<T>(): <const K extends readonly (keyof T & string)[]>(
  keys: K & ([MissingKeys<T, K>] extends [never] ? unknown : { readonly missingKeys: MissingKeys<T, K> }),
) => readonly (keyof T & string)[] {
  return (keys) => Object.freeze([...keys]);
}

/**
 * Rejects an options object that has a key outside `allowed` with `UNKNOWN_OPTION`, naming the key, where it
 * was passed and the key the user most likely meant ("did you mean"). Keys whose value is `undefined` are
 * checked too: a misspelt key is a mistake whatever its value. `undefined`/`null` options pass (nothing given);
 * anything else that is not a plain object is `INVALID_ARGUMENT`. Returns the options unchanged.
 *
 * @param where - what the options are for, e.g. `'sgd'` or `'fit'`; it starts the message.
 */
export function checkOptions<T>(where: string, options: T, allowed: readonly string[]): T {
  if (options === undefined || options === null) return options;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${where}: options must be an object, got ${typeof options}`,
      {
        details: { where },
      },
    );
  }
  for (const key of Object.keys(options as object)) {
    if (allowed.includes(key)) continue;
    const suggestion = suggestName(key, allowed);
    const hint =
      suggestion === undefined ? ` Known options: ${allowed.join(', ')}.` : ` Did you mean '${suggestion}'?`;
    throw new SteadygradError('UNKNOWN_OPTION', `${where}: unknown option '${key}'.${hint}`, {
      details: { where, key, suggestion, allowed },
    });
  }
  return options;
}
