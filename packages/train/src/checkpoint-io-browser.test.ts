import { isSteadygradError } from '@steadygrad/core';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostTensor } from './checkpoint-format.js';
import {
  CHECKPOINT_DATABASE,
  hasCheckpoint,
  prepareCheckpointDir,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint-io-browser.js';

// A fresh in-memory IndexedDB per test (fake-indexeddb), removed afterwards.
const g = globalThis as { indexedDB?: IDBFactory; IDBKeyRange?: typeof IDBKeyRange };
beforeEach(() => {
  g.indexedDB = new IDBFactory();
  g.IDBKeyRange = IDBKeyRange;
});
afterEach(() => {
  delete g.indexedDB;
  delete g.IDBKeyRange;
});

const tensors = (): Map<string, HostTensor> =>
  new Map<string, HostTensor>([
    ['a', { dtype: 'float32', shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, Number.NaN]) }],
    ['b', { dtype: 'int32', shape: [], data: new Int32Array([7]) }],
  ]);

async function codeOf(p: Promise<unknown>): Promise<[string, string]> {
  try {
    await p;
  } catch (e) {
    if (isSteadygradError(e)) return [e.code, e.message];
    throw e;
  }
  throw new Error('expected an error');
}

/** Every key of the checkpoint store. */
async function keys(): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = g.indexedDB!.open(CHECKPOINT_DATABASE, 1);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const r = db.transaction('files').objectStore('files').getAllKeys();
  const out = await new Promise<IDBValidKey[]>((resolve) => {
    r.onsuccess = () => resolve(r.result);
  });
  db.close();
  return out.map(String).sort();
}

/** Replaces one record of the store. */
async function put(key: string, value: unknown): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve) => {
    const r = g.indexedDB!.open(CHECKPOINT_DATABASE, 1);
    r.onsuccess = () => resolve(r.result);
  });
  const tx = db.transaction('files', 'readwrite');
  tx.objectStore('files').put(value, key);
  await new Promise((resolve) => {
    tx.oncomplete = resolve;
  });
  db.close();
}

describe('checkpoints in IndexedDB (browser bundles)', () => {
  it('round-trips tensors and metadata with non-finite numbers; keeps the last 2 generations', async () => {
    expect(await hasCheckpoint('run')).toBe(false);
    for (let i = 0; i < 3; i++) {
      const path = await writeCheckpoint('run', { step: i, best: Number.POSITIVE_INFINITY }, tensors());
      expect(path).toBe(`run/ckpt-0000000${i + 1}`);
    }
    await writeCheckpoint('other', { step: 9 }, tensors(), { keep: 1 });
    expect(await hasCheckpoint('run')).toBe(true);
    const ck = await readCheckpoint('run');
    expect(ck.generation).toBe(3);
    expect(ck.path).toBe('run/ckpt-00000003');
    expect(ck.meta).toEqual({ step: 2, best: Number.POSITIVE_INFINITY });
    expect(Array.from(ck.tensors.get('a')!.data)).toEqual([1, 2, 3, 4, 5, Number.NaN]);
    expect(ck.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(ck.tensors.get('b')).toEqual({ dtype: 'int32', shape: [], data: new Int32Array([7]) });
    expect(await keys()).toEqual([
      'other/ckpt-00000001/checkpoint.json',
      'other/ckpt-00000001/tensors.bin',
      'other/latest',
      'run/ckpt-00000002/checkpoint.json',
      'run/ckpt-00000002/tensors.bin',
      'run/ckpt-00000003/checkpoint.json',
      'run/ckpt-00000003/tensors.bin',
      'run/latest',
    ]);
  });

  it('a missing checkpoint is NOT_FOUND', async () => {
    const [code, msg] = await codeOf(readCheckpoint('nothing'));
    expect(code).toBe('NOT_FOUND');
    expect(msg).toMatch(/no checkpoint nothing in IndexedDB/);
  });

  it('a damaged tensors record fails its checksum; a truncated one is CORRUPT_DATA; edited metadata too', async () => {
    await writeCheckpoint('run', { step: 1 }, tensors());
    const good = (await readCheckpoint('run')).tensors;
    const bytes = new Uint8Array(28);
    bytes.set(new Uint8Array(good.get('a')!.data.buffer));
    bytes[0] = 0xff;
    await put('run/ckpt-00000001/tensors.bin', bytes.buffer);
    expect(await codeOf(readCheckpoint('run'))).toEqual([
      'CHECKSUM_MISMATCH',
      'checkpoint run/ckpt-00000001/tensors.bin fails its SHA-256 check',
    ]);
    await put('run/ckpt-00000001/tensors.bin', new ArrayBuffer(10));
    const [code, msg] = await codeOf(readCheckpoint('run'));
    expect(code).toBe('CORRUPT_DATA');
    expect(msg).toMatch(/tensors\.bin is corrupt: 10 bytes, the manifest describes 28/);

    await writeCheckpoint('meta', { step: 1 }, tensors());
    const db = await new Promise<IDBDatabase>((resolve) => {
      const r = g.indexedDB!.open(CHECKPOINT_DATABASE, 1);
      r.onsuccess = () => resolve(r.result);
    });
    const text = await new Promise<string>((resolve) => {
      const r = db.transaction('files').objectStore('files').get('meta/ckpt-00000001/checkpoint.json');
      r.onsuccess = () => resolve(r.result as string);
    });
    db.close();
    await put('meta/ckpt-00000001/checkpoint.json', text.replace('"step":1', '"step":2'));
    expect((await codeOf(readCheckpoint('meta')))[0]).toBe('CHECKSUM_MISMATCH');
    // the checks shared with the files on disk (checkpoint-format.ts): format version, then the JSON itself
    await put('meta/ckpt-00000001/checkpoint.json', text.replace('"version":1', '"version":2'));
    expect(await codeOf(readCheckpoint('meta'))).toEqual([
      'INCOMPATIBLE',
      'checkpoint file meta/ckpt-00000001/checkpoint.json has format version 2; this version of @steadygrad/train reads version 1',
    ]);
    await put('meta/ckpt-00000001/checkpoint.json', text.slice(0, 40));
    expect((await codeOf(readCheckpoint('meta')))[1]).toMatch(
      /^checkpoint file meta\/ckpt-00000001\/checkpoint.json is corrupt: not valid JSON/,
    );
    await put('meta/latest', '../evil');
    expect((await codeOf(readCheckpoint('meta')))[0]).toBe('CORRUPT_DATA');
  });

  it('without IndexedDB, every call is IO_ERROR saying so', async () => {
    delete g.indexedDB;
    const [code, msg] = await codeOf(writeCheckpoint('run', {}, tensors()));
    expect(code).toBe('IO_ERROR');
    expect(msg).toMatch(/IndexedDB, which this environment does not have/);
    expect((await codeOf(readCheckpoint('run')))[0]).toBe('IO_ERROR');
    // fit({ checkpoint }) asks before its first epoch
    expect((await codeOf(prepareCheckpointDir('run')))[0]).toBe('IO_ERROR');
  });

  it('prepareCheckpointDir opens the database and writes nothing', async () => {
    await prepareCheckpointDir('run');
    expect(await keys()).toEqual([]);
  });
});
