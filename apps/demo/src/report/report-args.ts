// `pnpm demo report`'s command line: which experiments run (`--only`), under which profile (`--quick`), with
// which flags (`--seeds`, `--backend`), how many at once (`--jobs`), and where the report, the cache and the
// Keras references are. Mistakes are UsageErrors (exit code 2), an unknown experiment with a "did you mean".
import { existsSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BACKEND_CHOICES } from '@steadygrad/core';
import { integerFlag, parseCommandLine, UsageError } from '../cli-args.js';

/** The report command's usage line. */
export const REPORT_USAGE = `usage: pnpm demo report [--quick] [--only a,b,...] [--seeds N] [--backend ${BACKEND_CHOICES.join('|')}] [--jobs N] [--threads N] [--rerun] [--assemble] [--fallback quick|none] [--out DIR] [--cache DIR] [--references DIR]`;

/** The parsed command line of `pnpm demo report`. */
export interface ReportOptions {
  readonly profile: 'notebook' | 'quick';
  /** The experiments to run (every one when `--only` is absent); the report itself covers all of them. */
  readonly only: readonly string[];
  /** `--seeds N`, passed on to every experiment. */
  readonly seeds: number | undefined;
  /** `--backend`, passed on when given. */
  readonly backend: string | undefined;
  /** Experiments run at once (default 1). */
  readonly jobs: number;
  /** `--threads N` for every experiment (wasm; the same results, so not part of the cache key). */
  readonly threads: number | undefined;
  /** Run even when a cached result exists. */
  readonly rerun: boolean;
  /** Run nothing: write the report from the cache. */
  readonly assemble: boolean;
  /**
   * A notebook report's stand-in for an experiment with no cached notebook-profile result: `'quick'` (the
   * default of a notebook report) reports its cached quick-profile result instead, saying so; `'none'` (always
   * for a quick report) reports it as not run.
   */
  readonly fallback: 'quick' | 'none';
  /** The folder `reproduction.md` and `reproduction/*.svg` go into (default: the repository's docs/). */
  readonly out: string;
  /** The result cache (default: the repository's .cache/report/, ignored by git). */
  readonly cache: string;
  /** The Keras 3 references (default: the repository's tooling/reference/keras/). */
  readonly references: string;
}

/** The repository root: the nearest folder above this module with a pnpm-workspace.yaml. */
export function repositoryRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/** Levenshtein distance (for "did you mean"). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** The known name closest to `name` (within a third of its length, at least 2 edits), if any. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const d =
      k.startsWith(name) || name.startsWith(k) ? Math.min(1, editDistance(name, k)) : editDistance(name, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/**
 * Parses `pnpm demo report`'s flags (`argv` after `report`).
 *
 * @throws UsageError for an unknown flag, a malformed number, an unknown experiment in `--only` (with the
 *   closest name), `--assemble` with `--rerun`, `--fallback` other than `quick`/`none` (or `quick` with
 *   `--quick`), or a positional argument.
 */
export function parseReportArgs(argv: readonly string[], experiments: readonly string[]): ReportOptions {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        seeds: { type: 'string' },
        backend: { type: 'string' },
        jobs: { type: 'string' },
        threads: { type: 'string' },
        rerun: { type: 'boolean', default: false },
        assemble: { type: 'boolean', default: false },
        fallback: { type: 'string' },
        out: { type: 'string' },
        cache: { type: 'string' },
        references: { type: 'string' },
      },
    }),
  );
  if (positionals.length > 0) {
    throw new UsageError(
      `report takes no experiment names as arguments (use --only ${positionals.join(',')})`,
    );
  }
  let only = [...experiments];
  if (values.only !== undefined) {
    only = values.only.split(',').map((s) => s.trim());
    for (const name of only) {
      if (!experiments.includes(name)) {
        const guess = didYouMean(name, experiments);
        throw new UsageError(
          `--only: unknown experiment '${name}'${guess ? `; did you mean '${guess}'?` : ''} (expected some of: ${experiments.join(', ')})`,
        );
      }
    }
    only = [...new Set(only)];
  }
  if (values.backend !== undefined && !(BACKEND_CHOICES as readonly string[]).includes(values.backend)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${values.backend}'`);
  }
  if (values.assemble && values.rerun)
    throw new UsageError('--assemble runs nothing, so --rerun makes no sense with it');
  if (values.fallback !== undefined && values.fallback !== 'quick' && values.fallback !== 'none') {
    throw new UsageError(`--fallback must be 'quick' or 'none', got '${values.fallback}'`);
  }
  if (values.quick && values.fallback === 'quick') {
    throw new UsageError(
      '--fallback quick is for a notebook report; a --quick report has nothing to fall back to',
    );
  }
  const root = repositoryRoot();
  // `pnpm demo` runs in apps/demo; relative paths are meant from where the user typed the command.
  const base = process.env.INIT_CWD ?? process.cwd();
  const resolve = (p: string) => resolvePath(base, p);
  return {
    profile: values.quick ? 'quick' : 'notebook',
    only,
    seeds: integerFlag('--seeds', values.seeds, { min: 1 }),
    backend: values.backend,
    jobs: integerFlag('--jobs', values.jobs, { min: 1, max: 64 }) ?? 1,
    threads: integerFlag('--threads', values.threads, { min: 1, max: 64 }),
    rerun: values.rerun,
    assemble: values.assemble,
    fallback: values.quick ? 'none' : ((values.fallback as 'quick' | 'none' | undefined) ?? 'quick'),
    out: resolve(values.out ?? join(root, 'docs')),
    cache: resolve(values.cache ?? join(root, '.cache', 'report')),
    references: resolve(values.references ?? join(root, 'tooling', 'reference', 'keras')),
  };
}
