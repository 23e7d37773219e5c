import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkOptions, optionKeys } from '../check-options.js';

/** Whether a process with this id exists (signal 0 probes without sending anything). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Options of {@link removeStaleTempFiles}. */
export interface RemoveStaleTempFilesOptions {
  /** Names of temporary entries; the first capture group is the id of the process that made it. */
  readonly match: RegExp;
  /**
   * An entry older than this (by mtime) is stale even when its process id is alive (ids are reused).
   * Default one day.
   */
  readonly maxAgeMs?: number;
  /** The clock (tests). Default `Date.now()`. */
  readonly now?: number;
}

const STALE_KEYS = optionKeys<RemoveStaleTempFilesOptions>()(['match', 'maxAgeMs', 'now']);

/**
 * Removes the temporary files or folders in `dir` whose names match `match` and that belong to a process that
 * no longer exists, or that are older than `maxAgeMs`. Entries of live processes younger than that (a write in
 * progress elsewhere) are kept. Returns the removed names. Never throws: a missing folder or an entry that
 * vanishes meanwhile is skipped.
 */
export async function removeStaleTempFiles(
  dir: string,
  options: RemoveStaleTempFilesOptions,
): Promise<string[]> {
  checkOptions('removeStaleTempFiles', options, STALE_KEYS);
  const { match, maxAgeMs = 24 * 60 * 60 * 1000, now = Date.now() } = options;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = match.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    let stale = !isProcessAlive(pid);
    if (!stale) {
      try {
        stale = now - (await fs.lstat(path.join(dir, name))).mtimeMs > maxAgeMs;
      } catch {
        continue;
      }
    }
    if (!stale) continue;
    try {
      await fs.rm(path.join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Another process removed or holds it; leave it.
    }
  }
  return removed;
}
