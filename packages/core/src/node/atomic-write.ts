import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SteadygradError } from '../errors.js';

/**
 * fsyncs a folder so that the renames and creations inside it survive a power loss. Some file systems refuse
 * fsync on folders; that is ignored (the rename itself is still atomic).
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r');
  try {
    await h.sync();
  } catch {
    // EINVAL/EPERM on file systems without directory fsync.
  } finally {
    await h.close();
  }
}

/** Creates `file` (failing if anything exists there, symbolic links included), writes `data` and fsyncs it. */
export async function writeFileExclusive(file: string, data: Uint8Array | string): Promise<void> {
  const h = await fs.open(file, 'wx');
  try {
    await h.writeFile(data);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** The temporary name {@link writeFileAtomic} uses for `file`: `.<name>.tmp-<pid>-<random>` beside it. */
export function temporaryNameFor(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`,
  );
}

/**
 * Replaces `file` atomically: writes a temporary file beside it (exclusive create, fsynced), renames it over
 * `file` and fsyncs the folder. A crash at any moment leaves either the old or the new content, never a mix;
 * the temporary file is removed when writing fails (a crash may leave it: it is named `.<name>.tmp-<pid>-…`,
 * see `removeStaleTempFiles`).
 *
 * @throws SteadygradError `IO_ERROR` naming the file.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = temporaryNameFor(file);
  try {
    await writeFileExclusive(tmp, data);
    await fs.rename(tmp, file);
    await fsyncDirectory(path.dirname(file));
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw new SteadygradError('IO_ERROR', `cannot write ${file}: ${(e as Error)?.message ?? String(e)}`, {
      details: { file, code: (e as { code?: string }).code },
      cause: e,
    });
  }
}
