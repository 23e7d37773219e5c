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
import type * as NodeCheckpointIo from './checkpoint-io.js';

export type {
  CheckpointDtype,
  CheckpointFile,
  HostTensor,
  ManifestEntry,
  WriteCheckpointOptions,
} from './checkpoint-format.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint-format.js';

/**
 * Checkpoints in a browser bundle (the `"default"` condition of `@steadygrad/train`'s `#checkpoint-io`
 * import; Node gets the files of checkpoint-io.ts). Same functions, same format, same checks, stored in
 * IndexedDB instead of a directory: database `steadygrad-checkpoints`, object store `files`, one record per
 * file keyed by the path it would have on disk — `<dir>/latest`, `<dir>/ckpt-00000012/checkpoint.json` (text)
 * and `<dir>/ckpt-00000012/tensors.bin` (an ArrayBuffer). `dir` is any name (`fit({ checkpoint: { dir } })`).
 *
 * A generation's two records, the `latest` pointer and the removal of generations beyond `keep` are written
 * in one IndexedDB transaction, which commits whole or not at all: a closed tab or a crash leaves `latest` on
 * a complete generation. Reading checks the format, version, manifest and both SHA-256 checksums (Web
 * Crypto) before returning anything, with the same checks as on disk (checkpoint-format.ts).
 */

/** The IndexedDB database and object store that hold the checkpoints. */
export const CHECKPOINT_DATABASE = 'steadygrad-checkpoints';
const STORE = 'files';

function ioError(what: string, e: unknown): SteadygradError {
  return new SteadygradError('IO_ERROR', `${what}: ${(e as Error)?.message ?? String(e)}`);
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

async function openDatabase(): Promise<IDBDatabase> {
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (idb === undefined) {
    throw new SteadygradError(
      'IO_ERROR',
      'checkpoints in a browser bundle are stored in IndexedDB, which this environment does not have',
    );
  }
  try {
    const open = idb.open(CHECKPOINT_DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    return await request(open);
  } catch (e) {
    throw ioError(`cannot open the IndexedDB database ${CHECKPOINT_DATABASE}`, e);
  }
}

async function sha256(data: BufferSource | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function generations(db: IDBDatabase, dir: string): Promise<number[]> {
  const prefix = `${dir}/`;
  const keys = await request(
    db
      .transaction(STORE)
      .objectStore(STORE)
      .getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`)),
  );
  const out = new Set<number>();
  for (const k of keys) {
    const m = GENERATION.exec(String(k).slice(prefix.length).split('/')[0] ?? '');
    if (m) out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/** Writes a new checkpoint generation under `dir` in IndexedDB atomically and makes it `latest`. */
export const writeCheckpoint: typeof NodeCheckpointIo.writeCheckpoint = async (
  dir: string,
  meta: unknown,
  tensors: ReadonlyMap<string, HostTensor>,
  options: WriteCheckpointOptions = {},
) => {
  checkOptions('writeCheckpoint', options, WRITE_CHECKPOINT_KEYS);
  const { keep = 2, beforeCommit } = options;
  const db = await openDatabase();
  try {
    const existing = await generations(db, dir);
    const generation = (existing.length === 0 ? 0 : existing[existing.length - 1]!) + 1;
    const { manifest, bin } = packTensors(tensors);
    const body = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      generation,
      tensors: manifest,
      tensorsSha256: await sha256(bin),
      meta,
    };
    const json = `${encodeJson({ ...body, metaSha256: await sha256(encodeJson(body)) })}\n`;
    if (beforeCommit !== undefined) await beforeCommit();
    const final = `${dir}/${generationName(generation)}`;
    try {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      store.put(json, `${final}/checkpoint.json`);
      store.put(bin.buffer, `${final}/tensors.bin`);
      store.put(`${generationName(generation)}\n`, `${dir}/latest`);
      for (const g of existing) {
        if (g > generation - keep) continue;
        const old = `${dir}/${generationName(g)}/`;
        store.delete(IDBKeyRange.bound(old, `${old}\uffff`));
      }
      await done(tx);
    } catch (e) {
      throw ioError(`cannot write the checkpoint ${final} to IndexedDB`, e);
    }
    return final;
  } finally {
    db.close();
  }
};

/**
 * Proves that checkpoints can be stored (IndexedDB exists and its database opens), so that a missing
 * IndexedDB is an `IO_ERROR` before the first epoch trains, not after it.
 */
export const prepareCheckpointDir: typeof NodeCheckpointIo.prepareCheckpointDir = async (_dir: string) => {
  (await openDatabase()).close();
};

/** Whether `dir` holds a checkpoint (its `latest` record exists). */
export const hasCheckpoint: typeof NodeCheckpointIo.hasCheckpoint = async (dir: string) => {
  const db = await openDatabase();
  try {
    return (await request(db.transaction(STORE).objectStore(STORE).count(`${dir}/latest`))) > 0;
  } finally {
    db.close();
  }
};

/** Reads and validates the generation `<dir>/latest` points to. */
export const readCheckpoint: typeof NodeCheckpointIo.readCheckpoint = async (dir: string) => {
  const db = await openDatabase();
  let pointer: unknown;
  let text: unknown;
  let bin: unknown;
  let name = '';
  try {
    const store = db.transaction(STORE).objectStore(STORE);
    pointer = await request(store.get(`${dir}/latest`));
    name = typeof pointer === 'string' ? pointer.trim() : '';
    [text, bin] = await Promise.all([
      request(store.get(`${dir}/${name}/checkpoint.json`)),
      request(store.get(`${dir}/${name}/tensors.bin`)),
    ]);
  } catch (e) {
    throw ioError(`cannot read the checkpoint ${dir} from IndexedDB`, e);
  } finally {
    db.close();
  }
  if (pointer === undefined) {
    throw new SteadygradError(
      'NOT_FOUND',
      `no checkpoint ${dir} in IndexedDB (fit({ checkpoint: { dir } }) writes one)`,
      { details: { file: `${dir}/latest` } },
    );
  }
  const gm = GENERATION.exec(name);
  if (gm === null) throw corrupt(`${dir}/latest`, `expected a generation name, got ${JSON.stringify(name)}`);
  const jsonFile = `${dir}/${name}/checkpoint.json`;
  const binFile = `${dir}/${name}/tensors.bin`;
  if (typeof text !== 'string') throw corrupt(jsonFile, 'the record is missing');
  if (!(bin instanceof ArrayBuffer)) throw corrupt(binFile, 'the record is missing');
  if (text.length > MAX_JSON_BYTES) throw corrupt(jsonFile, `larger than ${MAX_JSON_BYTES} bytes`);
  const obj = parseCheckpointJson(text, jsonFile);
  const { metaSha256, ...body } = obj;
  if (metaSha256 !== (await sha256(encodeJson(body)))) {
    throw new SteadygradError('CHECKSUM_MISMATCH', `checkpoint ${jsonFile} fails its checksum (metaSha256)`, {
      details: { file: jsonFile },
    });
  }
  const { manifest, total } = checkGenerationBody(obj, jsonFile, name);
  if (bin.byteLength !== total) {
    throw corrupt(binFile, `${bin.byteLength} bytes, the manifest describes ${total}`);
  }
  if ((await sha256(bin)) !== obj.tensorsSha256) {
    throw new SteadygradError('CHECKSUM_MISMATCH', `checkpoint ${binFile} fails its SHA-256 check`, {
      details: { file: binFile },
    });
  }
  const tensors = unpackTensors(manifest, new Uint8Array(bin));
  const file: CheckpointFile = { path: `${dir}/${name}`, generation: Number(gm[1]), meta: obj.meta, tensors };
  return file;
};
