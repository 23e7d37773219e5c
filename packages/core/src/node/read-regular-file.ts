import * as fsSync from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { checkOptions, optionKeys } from '../check-options.js';
import { SteadygradError } from '../errors.js';

/**
 * Whether `candidate` lies strictly inside the folder `root` (lexically, after resolving both paths; no
 * file-system access — resolve symbolic links first with `realpath` when they matter). `root` itself is not
 * inside `root`; `root/../x` and a sibling `root-2/x` are not either.
 */
export function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(candidate));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** Options of {@link readRegularFile}. */
export interface ReadRegularFileOptions {
  /** The most bytes accepted; counted while reading (a device or a growing file is cut off), not via `stat`. */
  readonly maxBytes: number;
  /**
   * A folder the file must stay in once every symbolic link is resolved (a link to a file elsewhere in the
   * same folder is fine; one that leaves it is refused).
   */
  readonly within?: string;
  /** Names the file in error messages (default `'file'`), e.g. `'checkpoint pointer'`. */
  readonly what?: string;
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function refuse(
  what: string,
  file: string,
  why: string,
  reason: string,
  extra: object = {},
): SteadygradError {
  return new SteadygradError('CORRUPT_DATA', `${what} ${file} ${why}`, {
    details: { file, reason, ...extra },
  });
}

function fsError(what: string, file: string, e: unknown): SteadygradError {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') {
    return new SteadygradError('NOT_FOUND', `${what} ${file} does not exist`, { details: { file } });
  }
  if (code === 'ELOOP') {
    return refuse(what, file, 'is a symbolic link loop or was replaced by a link while opening', 'symlink');
  }
  return new SteadygradError(
    'IO_ERROR',
    `cannot read ${what} ${file}: ${(e as Error)?.message ?? String(e)}`,
    { details: { file, code }, cause: e },
  );
}

const READ_REGULAR_FILE_KEYS = optionKeys<ReadRegularFileOptions>()(['maxBytes', 'within', 'what']);

/**
 * Reads a file that must be a regular file, at most `maxBytes` long and (with `within`) inside a folder once
 * symbolic links are resolved. The file is opened non-blocking without following a final symbolic link (so a
 * FIFO cannot hang the call and a link swapped in after the check is refused), its kind is checked on the
 * open handle, and the byte count is checked while reading — `stat` reports 0 bytes for `/dev/zero`.
 *
 * @throws SteadygradError `NOT_FOUND` (missing), `CORRUPT_DATA` (`details.reason`: `'outside'`,
 *   `'not-regular'`, `'too-large'`, `'symlink'`), `IO_ERROR` (anything else), `INVALID_ARGUMENT` (bad options).
 */
export async function readRegularFile(file: string, options: ReadRegularFileOptions): Promise<Buffer> {
  checkOptions('readRegularFile', options, READ_REGULAR_FILE_KEYS);
  const { maxBytes, within, what = 'file' } = options;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `readRegularFile: maxBytes must be a non-negative integer, got ${maxBytes}`,
    );
  }
  let real: string;
  try {
    real = await fs.realpath(file);
  } catch (e) {
    throw fsError(what, file, e);
  }
  if (within !== undefined) {
    let realWithin: string;
    try {
      realWithin = await fs.realpath(within);
    } catch (e) {
      throw fsError('folder', within, e);
    }
    if (!isInside(realWithin, real)) {
      throw refuse(
        what,
        file,
        `resolves to ${real}, outside ${realWithin}; refusing to follow it`,
        'outside',
        {
          resolved: real,
          within: realWithin,
        },
      );
    }
  }
  let handle: FileHandle;
  try {
    handle = await fs.open(
      real,
      fsSync.constants.O_RDONLY | (fsSync.constants.O_NONBLOCK ?? 0) | (fsSync.constants.O_NOFOLLOW ?? 0),
    );
  } catch (e) {
    throw fsError(what, file, e);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw refuse(what, file, `is ${kindOf(st)}, not a regular file`, 'not-regular');
    // The size from stat only sizes the first buffer; the limit is enforced on the bytes actually read.
    let buf = Buffer.allocUnsafe(Math.min(Math.max(st.size, 0), maxBytes) + 1);
    let total = 0;
    for (;;) {
      if (total === buf.length) {
        if (total > maxBytes) break;
        const next = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(next, 0, 0, total);
        buf = next;
      }
      const { bytesRead } = await handle.read(buf, total, buf.length - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > maxBytes) {
      throw refuse(what, file, `is larger than the ${maxBytes}-byte limit`, 'too-large', { maxBytes });
    }
    return buf.subarray(0, total);
  } catch (e) {
    if (e instanceof SteadygradError) throw e;
    throw fsError(what, file, e);
  } finally {
    await handle.close();
  }
}
