// The report's result cache: one JSON file per experiment run, keyed by experiment + profile + the settings
// passed to it (the demo CLI's flags), so a long report is built in pieces — several `pnpm demo report --only`
// runs, in parallel processes if wished — and then assembled from the cache. Files are written atomically
// (temporary file + rename), so parallel writers and interrupted runs never leave a torn entry.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@steadygrad/core/node';

/** What one experiment run is: the experiment, its profile, and the extra CLI flags (e.g. `--seeds 10`). */
export interface RunSpec {
  readonly experiment: string;
  readonly profile: 'notebook' | 'quick';
  /** Extra flags of the demo CLI, in order (they are part of the key). */
  readonly args: readonly string[];
}

/** A cached run. */
export interface CacheEntry {
  readonly spec: RunSpec;
  /** The experiment's JSON result (the last stdout line of `pnpm demo <experiment> --json`). */
  readonly result: unknown;
  /** Wall-clock seconds of the run (the progress display's estimates come from these). */
  readonly seconds: number;
  /** ISO time the run finished. */
  readonly finishedAt: string;
  /** The steadygrad commit it ran on, when known. */
  readonly commit?: string;
}

/** The cache key of a run: a hash of experiment, profile and flags (order of the flags kept). */
export function cacheKey(spec: RunSpec): string {
  const canonical = JSON.stringify([spec.experiment, spec.profile, [...spec.args]]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

/** The file of a run in the cache folder: `<experiment>.<profile>.<key>.json`. */
export function cacheFile(dir: string, spec: RunSpec): string {
  return join(dir, `${spec.experiment}.${spec.profile}.${cacheKey(spec)}.json`);
}

function isEntry(v: unknown, spec: RunSpec): v is CacheEntry {
  if (v === null || typeof v !== 'object') return false;
  const e = v as Partial<CacheEntry>;
  return (
    typeof e.seconds === 'number' &&
    typeof e.finishedAt === 'string' &&
    'result' in e &&
    JSON.stringify(e.spec) ===
      JSON.stringify({ experiment: spec.experiment, profile: spec.profile, args: [...spec.args] })
  );
}

/**
 * The cached run for `spec`, or `undefined` when there is none. An unreadable or mismatched entry counts as
 * none (it is rewritten by the next run).
 */
export async function readCached(dir: string, spec: RunSpec): Promise<CacheEntry | undefined> {
  try {
    const data: unknown = JSON.parse(await readFile(cacheFile(dir, spec), 'utf8'));
    return isEntry(data, spec) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a run (creating the folder; atomic replace of an older entry for the same key). */
export async function writeCached(dir: string, entry: CacheEntry): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = cacheFile(dir, entry.spec);
  const spec = { experiment: entry.spec.experiment, profile: entry.spec.profile, args: [...entry.spec.args] };
  await writeFileAtomic(file, `${JSON.stringify({ ...entry, spec })}\n`);
  return file;
}

/**
 * Seconds the last cached runs of `experiment` under `profile` took (any flags), newest first — what the
 * progress display estimates from.
 */
export async function cachedSeconds(dir: string, experiment: string, profile: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const prefix = `${experiment}.${profile}.`;
  const entries: { seconds: number; finishedAt: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    // A name like `transfer.notebook.<key>.json` must not match `transfer-cnn`: the key has no dots.
    if (name.slice(prefix.length, -'.json'.length).includes('.')) continue;
    try {
      const e = JSON.parse(await readFile(join(dir, name), 'utf8')) as Partial<CacheEntry>;
      if (typeof e.seconds === 'number' && typeof e.finishedAt === 'string') {
        entries.push({ seconds: e.seconds, finishedAt: e.finishedAt });
      }
    } catch {
      // A torn or foreign file: ignored.
    }
  }
  return entries.sort((a, b) => b.finishedAt.localeCompare(a.finishedAt)).map((e) => e.seconds);
}
