import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SteadygradError } from '../errors.js';
import { writeFileExclusive } from './atomic-write.js';
import { removeStaleTempFiles } from './stale-temp-files.js';

/** Probe files: `.write-probe-<pid>-<8 hex digits>`. */
const PROBE = /^\.write-probe-(\d+)-[0-9a-f]{8}$/;

/**
 * Makes sure `dir` exists (created with its parents when missing) and that a file can be created in it, by
 * writing and removing a small probe file (`.write-probe-<pid>-<random>`). Call it before long work whose
 * results go there, so that a folder that cannot be written fails at once, not after the work. The probes
 * left by a process killed in the middle of this check are removed once that process is gone.
 *
 * @throws SteadygradError `IO_ERROR` naming the folder, what is wrong (`details.code`: `EACCES`, `ENOTDIR`,
 *   `EROFS`, `ENOSPC`, …) and `what` (default `'folder'`).
 */
export async function checkWritableDirectory(dir: string, what = 'folder'): Promise<void> {
  const probe = path.join(dir, `.write-probe-${process.pid}-${crypto.randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(dir, { recursive: true });
    await removeStaleTempFiles(dir, { match: PROBE });
    await writeFileExclusive(probe, 'probe');
  } catch (e) {
    throw new SteadygradError(
      'IO_ERROR',
      `${what} ${dir} is not writable: ${(e as Error)?.message ?? String(e)}`,
      { details: { dir, code: (e as { code?: string }).code }, cause: e },
    );
  } finally {
    await fs.rm(probe, { force: true }).catch(() => undefined);
  }
}
