import { checkOptions, SteadygradError } from '@steadygrad/core';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointFile,
  checkGenerationBody,
  corrupt,
  encodeJson,
  GENERATION,
  generationName,
  type HostTensor,
  MAX_JSON_BYTES,
  packTensors,
  parseCheckpointJson,
  unpackTensors,
  WRITE_CHECKPOINT_KEYS,
  type WriteCheckpointOptions,
} from './checkpoint-format.js';

export type {
  CheckpointDtype,
  CheckpointFile,
  HostTensor,
  ManifestEntry,
  WriteCheckpointOptions,
} from './checkpoint-format.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint-format.js';

/**
 * The on-disk checkpoint format (Node only; `node:fs` and `node:crypto` are imported dynamically inside these
 * functions, so bundles that never write or read a checkpoint do not pull them in).
 *
 * ```
 * <dir>/latest                  one line: the name of the newest complete generation, e.g. "ckpt-00000012"
 * <dir>/ckpt-00000011/          the previous generation (kept until a newer one is complete)
 * <dir>/ckpt-00000012/checkpoint.json
 * <dir>/ckpt-00000012/tensors.bin
 * ```
 *
 * `tensors.bin` is the raw little-endian data of every tensor, back to back. `checkpoint.json` holds
 * `{ format: 'steadygrad.checkpoint', version, generation, tensors: [{ name, dtype, shape, offset,
 * byteLength }], tensorsSha256, meta, metaSha256 }`: the manifest, the SHA-256 of `tensors.bin`, the caller's
 * metadata (JSON; non-finite numbers are written as `{ "$number": "Infinity" }`), and the SHA-256 of the
 * JSON text of everything else (so a flipped digit in the metadata is caught too).
 *
 * Writes are atomic: both files are written into a fresh temporary directory and fsynced, the directory is
 * renamed to its generation name, then `latest` is replaced by writing `latest.tmp`, fsyncing it and
 * renaming it over `latest` (directories fsynced after each rename). A crash at any moment leaves `latest`
 * pointing at a complete generation (or absent, before the first one). Older generations beyond `keep` and
 * leftover temporary directories are deleted after the switch.
 *
 * Reading validates everything before returning anything: the pointer's name, the JSON (parsed with
 * `JSON.parse`, never evaluated), format and version, the manifest (dtypes, shapes, contiguous offsets,
 * total size), both checksums. Every file must be a regular file inside `dir` once symbolic links are
 * resolved (a `latest` that is a FIFO, `/dev/zero` or a folder, or a generation folder linked to elsewhere, is
 * `CORRUPT_DATA`, without blocking), and every read is bounded while reading (`latest` 64 bytes,
 * `checkpoint.json` 256 MiB, `tensors.bin` exactly the manifest's total). Temporaries left by a crashed
 * write (`.tmp-ckpt-*`, `latest.tmp-<pid>`) are removed by the next write once their process is gone.
 */

/** `latest` holds one generation name and a newline. */
const MAX_POINTER_BYTES = 64;
/** Temporary generation folders (`.tmp-ckpt-<generation>-<pid>-<time>`) and pointers (`latest.tmp-<pid>`). */
const TEMP_GENERATION = /^\.tmp-ckpt-\d{8}-(\d+)-\d+$/;
const TEMP_POINTER = /^latest\.tmp-(\d+)$/;

type Fs = typeof import('node:fs/promises');
type CoreNode = typeof import('@steadygrad/core/node');

async function nodeModules(): Promise<{
  fs: Fs;
  path: typeof import('node:path');
  crypto: typeof import('node:crypto');
  safe: CoreNode;
}> {
  try {
    const [fs, path, crypto, safe] = await Promise.all([
      import('node:fs/promises'),
      import('node:path'),
      import('node:crypto'),
      import('@steadygrad/core/node'),
    ]);
    return { fs, path, crypto, safe };
  } catch (e) {
    throw new SteadygradError(
      'IO_ERROR',
      `checkpoints are written to and read from the file system and need Node.js (node:fs): ${String(e)}`,
    );
  }
}

async function generations(fs: Fs, dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const m = GENERATION.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

function ioError(what: string, file: string, e: unknown): SteadygradError {
  return new SteadygradError('IO_ERROR', `${what} ${file}: ${(e as Error)?.message ?? String(e)}`, {
    details: { file },
  });
}

/**
 * Writes a new checkpoint generation into `dir` (created if needed) atomically and makes it `latest`;
 * returns the generation directory's path.
 */
export async function writeCheckpoint(
  dir: string,
  meta: unknown,
  tensors: ReadonlyMap<string, HostTensor>,
  options: WriteCheckpointOptions = {},
): Promise<string> {
  checkOptions('writeCheckpoint', options, WRITE_CHECKPOINT_KEYS);
  const { keep = 2, beforeCommit } = options;
  const { fs, path, crypto, safe } = await nodeModules();
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (e) {
    throw ioError('cannot create the checkpoint directory', dir, e);
  }
  const existing = await generations(fs, dir);
  const generation = (existing.length === 0 ? 0 : existing[existing.length - 1]!) + 1;
  const { manifest, bin } = packTensors(tensors);
  const body = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    generation,
    tensors: manifest,
    tensorsSha256: crypto.createHash('sha256').update(bin).digest('hex'),
    meta,
  };
  const bodyText = encodeJson(body);
  const metaSha256 = crypto.createHash('sha256').update(bodyText).digest('hex');
  const json = `${encodeJson({ ...body, metaSha256 })}\n`;
  const tmp = path.join(dir, `.tmp-${generationName(generation)}-${process.pid}-${Date.now()}`);
  const final = path.join(dir, generationName(generation));
  try {
    await fs.mkdir(tmp);
    await safe.writeFileExclusive(path.join(tmp, 'tensors.bin'), bin);
    await safe.writeFileExclusive(path.join(tmp, 'checkpoint.json'), json);
    await safe.fsyncDirectory(tmp);
    if (beforeCommit !== undefined) await beforeCommit();
    await fs.rename(tmp, final);
    await safe.fsyncDirectory(dir);
    const pointerTmp = path.join(dir, `latest.tmp-${process.pid}`);
    await fs.rm(pointerTmp, { force: true });
    await safe.writeFileExclusive(pointerTmp, `${generationName(generation)}\n`);
    await fs.rename(pointerTmp, path.join(dir, 'latest'));
    await safe.fsyncDirectory(dir);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    if (e instanceof SteadygradError) throw e;
    throw ioError('cannot write the checkpoint', final, e);
  }
  // Prune: older generations beyond `keep`, and the temporaries of crashed writes (of processes that no
  // longer exist, or older than a day: a concurrent writer's files in progress are left alone).
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const n of names) {
    const m = GENERATION.exec(n);
    if (m !== null && Number(m[1]) <= generation - keep)
      await fs.rm(path.join(dir, n), { recursive: true, force: true }).catch(() => undefined);
  }
  await safe.removeStaleTempFiles(dir, { match: TEMP_GENERATION });
  await safe.removeStaleTempFiles(dir, { match: TEMP_POINTER });
  return final;
}

/**
 * Creates the checkpoint folder and proves it writable (a probe file written and removed), so that an
 * unwritable folder is an `IO_ERROR` before the first epoch trains, not after it.
 */
export async function prepareCheckpointDir(dir: string): Promise<void> {
  const { safe } = await nodeModules();
  await safe.checkWritableDirectory(dir, 'checkpoint folder');
}

/** Whether `dir` holds a checkpoint (`latest` exists). */
export async function hasCheckpoint(dir: string): Promise<boolean> {
  const { fs, path } = await nodeModules();
  try {
    await fs.lstat(path.join(dir, 'latest'));
    return true;
  } catch {
    return false;
  }
}

/** Reads and validates the generation `latest` points to (see the module comment). */
export async function readCheckpoint(dir: string): Promise<CheckpointFile> {
  const { path, crypto, safe } = await nodeModules();
  const pointer = path.join(dir, 'latest');
  // Every file is read with readRegularFile: regular files only (a FIFO, a device or a folder is refused
  // without blocking), inside `dir` once symbolic links are resolved, size counted while reading.
  const read = (file: string, maxBytes: number, what: string) =>
    safe.readRegularFile(file, { maxBytes, within: dir, what: `checkpoint ${what}` });
  let name: string;
  try {
    name = (await read(pointer, MAX_POINTER_BYTES, 'pointer')).toString('utf8').trim();
  } catch (e) {
    if (e instanceof SteadygradError && e.code === 'NOT_FOUND') {
      throw new SteadygradError(
        'NOT_FOUND',
        `no checkpoint in ${dir}: ${pointer} does not exist (fit({ checkpoint: { dir } }) writes one)`,
        { details: { file: pointer } },
      );
    }
    throw e;
  }
  const gm = GENERATION.exec(name);
  if (gm === null)
    throw corrupt(
      pointer,
      `expected a generation name like 'ckpt-00000001', got ${JSON.stringify(name.slice(0, 64))}`,
    );
  const genDir = path.join(dir, name);
  const jsonFile = path.join(genDir, 'checkpoint.json');
  const binFile = path.join(genDir, 'tensors.bin');
  let text: string;
  try {
    text = (await read(jsonFile, MAX_JSON_BYTES, 'file')).toString('utf8');
  } catch (e) {
    if (e instanceof SteadygradError && e.code === 'NOT_FOUND')
      throw corrupt(jsonFile, 'the file is missing');
    throw e;
  }
  const obj = parseCheckpointJson(text, jsonFile);
  const { metaSha256, ...body } = obj;
  const expectedMetaSha = crypto.createHash('sha256').update(encodeJson(body)).digest('hex');
  if (metaSha256 !== expectedMetaSha) {
    throw new SteadygradError(
      'CHECKSUM_MISMATCH',
      `checkpoint file ${jsonFile} fails its checksum (metaSha256 ${JSON.stringify(metaSha256)}, content hashes to ${expectedMetaSha}): it was modified or damaged`,
      { details: { file: jsonFile } },
    );
  }
  const { manifest, total } = checkGenerationBody(obj, jsonFile, name);
  let bin: Buffer;
  const sizeError = (size: string) =>
    new SteadygradError(
      'CORRUPT_DATA',
      `checkpoint file ${binFile} is truncated or padded: ${size} bytes, the manifest in checkpoint.json describes ${total}`,
      { details: { file: binFile, expected: total } },
    );
  try {
    bin = await read(binFile, total, 'file');
  } catch (e) {
    if (e instanceof SteadygradError && e.code === 'NOT_FOUND') throw corrupt(binFile, 'the file is missing');
    if (e instanceof SteadygradError && e.details.reason === 'too-large')
      throw sizeError(`more than ${total}`);
    throw e;
  }
  if (bin.byteLength !== total) throw sizeError(String(bin.byteLength));
  const sha = crypto.createHash('sha256').update(bin).digest('hex');
  if (sha !== obj.tensorsSha256) {
    throw new SteadygradError(
      'CHECKSUM_MISMATCH',
      `checkpoint file ${binFile} fails its SHA-256 check (checkpoint.json says ${String(obj.tensorsSha256)}, the file hashes to ${sha}): it was modified or damaged`,
      { details: { file: binFile } },
    );
  }
  return { path: genDir, generation: Number(gm[1]), meta: obj.meta, tensors: unpackTensors(manifest, bin) };
}
