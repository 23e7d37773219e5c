// Command-line parsing shared by the demo's commands (cli, bench, soak): flags through node:util's parseArgs
// in strict mode, numbers in plain decimal only, and one way to fail. A mistake on the command line is a
// UsageError: the command prints `error: <what>` and its usage line on stderr and exits with code 2, no stack.
import { SteadygradError } from '@steadygrad/core';
import { PROFILES, type Profile } from './profile.js';

/** A malformed command line: an unknown flag, a flag without its value, a malformed number. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs node:util's parseArgs (or any parser) and turns its ERR_PARSE_ARGS_* errors into a UsageError. */
export function parseCommandLine<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      // Node's messages go on with a hint about '--' (when positionals are allowed); the first sentence
      // says what is wrong, and ends with a period either way.
      const first = (String((e as Error).message).split('\n')[0] as string).replace(
        /\. To specify a positional argument.*$/,
        '',
      );
      throw new UsageError(first.endsWith('.') ? first : `${first}.`);
    }
    throw e;
  }
}

/** Options of {@link integerFlag}. */
export interface IntegerFlagOptions {
  /** Smallest accepted value (default 0). */
  readonly min?: number;
  /** Largest accepted value (default `Number.MAX_SAFE_INTEGER`). */
  readonly max?: number;
}

/**
 * The value of an integer flag: plain decimal digits only (`7`, `0`; not `''`, `-1`, `0x10`, `1e3`, `07`,
 * ` 7` or `abc`), within `[min, max]`. `undefined` (flag absent) stays `undefined`.
 *
 * @throws UsageError naming the flag, what it needs and what it got.
 */
export function integerFlag(
  flag: string,
  value: string | undefined,
  options: IntegerFlagOptions = {},
): number | undefined {
  const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
  if (value === undefined) return undefined;
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  if (!/^(0|[1-9][0-9]*)$/.test(value)) {
    throw new UsageError(`${flag} needs an integer ${range} in decimal digits, got '${value}'`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} needs an integer ${range}, got ${value}`);
  }
  return n;
}

/**
 * The profile of `--profile notebook|quick` and `--quick` (= `--profile quick`); `notebook` by default.
 *
 * @throws UsageError for another value, or for `--quick` with `--profile notebook`.
 */
export function profileFlag(value: string | undefined, quick: boolean): Profile {
  if (value !== undefined && !(PROFILES as readonly string[]).includes(value)) {
    throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}, got '${value}'`);
  }
  if (quick && value === 'notebook') throw new UsageError('--quick contradicts --profile notebook');
  return quick ? 'quick' : ((value as Profile | undefined) ?? 'notebook');
}

/**
 * Runs a command's `main` and sets the exit code: its result (default 0); 2 with `error: …` and `usage` on
 * stderr for a UsageError; 1 with `error [CODE]: …` for a SteadygradError and with the error itself otherwise.
 */
export function runCommand(main: () => Promise<unknown>, usage: string): void {
  main().then(
    (code) => {
      if (typeof code === 'number') process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        console.error(`error: ${e.message}\n${usage}`);
        process.exitCode = 2;
      } else if (e instanceof SteadygradError) {
        console.error(`error [${e.code}]: ${e.message}`);
        process.exitCode = 1;
      } else {
        console.error(e);
        process.exitCode = 1;
      }
    },
  );
}
