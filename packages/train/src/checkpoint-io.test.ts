import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError } from '@steadygrad/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type HostTensor, readCheckpoint, writeCheckpoint } from './checkpoint-io.js';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sg-ckpt-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
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

describe('checkpoint files', () => {
  it('round-trips tensors and metadata with non-finite numbers; keeps the last 2 generations', async () => {
    const dir = await tmp();
    for (let i = 0; i < 3; i++)
      await writeCheckpoint(dir, { step: i, best: Number.POSITIVE_INFINITY }, tensors());
    const ck = await readCheckpoint(dir);
    expect(ck.generation).toBe(3);
    expect(ck.meta).toEqual({ step: 2, best: Number.POSITIVE_INFINITY });
    expect(Array.from(ck.tensors.get('a')!.data)).toEqual([1, 2, 3, 4, 5, Number.NaN]);
    expect(ck.tensors.get('b')).toEqual({ dtype: 'int32', shape: [], data: new Int32Array([7]) });
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000002', 'ckpt-00000003', 'latest']);
  });

  it('a missing checkpoint is NOT_FOUND', async () => {
    const [code, msg] = await codeOf(readCheckpoint(await tmp()));
    expect(code).toBe('NOT_FOUND');
    expect(msg).toMatch(/no checkpoint in .*latest does not exist/);
  });

  it('a truncated tensors.bin is CORRUPT_DATA naming the file and sizes', async () => {
    const dir = await tmp();
    await writeCheckpoint(dir, {}, tensors());
    await truncate(join(dir, 'ckpt-00000001', 'tensors.bin'), 10);
    const [code, msg] = await codeOf(readCheckpoint(dir));
    expect(code).toBe('CORRUPT_DATA');
    expect(msg).toMatch(
      /ckpt-00000001\/tensors\.bin is truncated or padded: 10 bytes, the manifest .* describes 28/,
    );
  });

  it('a flipped bit in tensors.bin is CHECKSUM_MISMATCH', async () => {
    const dir = await tmp();
    await writeCheckpoint(dir, {}, tensors());
    const f = join(dir, 'ckpt-00000001', 'tensors.bin');
    const bytes = await readFile(f);
    bytes[5] = bytes[5]! ^ 0x10;
    await writeFile(f, bytes);
    const [code, msg] = await codeOf(readCheckpoint(dir));
    expect(code).toBe('CHECKSUM_MISMATCH');
    expect(msg).toMatch(/tensors\.bin fails its SHA-256 check/);
  });

  it('edited metadata is CHECKSUM_MISMATCH; truncated JSON is CORRUPT_DATA; another version is INCOMPATIBLE', async () => {
    const dir = await tmp();
    await writeCheckpoint(dir, { epoch: 3 }, tensors());
    const f = join(dir, 'ckpt-00000001', 'checkpoint.json');
    const text = await readFile(f, 'utf8');
    await writeFile(f, text.replace('"epoch":3', '"epoch":4'));
    let [code, msg] = await codeOf(readCheckpoint(dir));
    expect(code).toBe('CHECKSUM_MISMATCH');
    expect(msg).toMatch(/checkpoint\.json fails its checksum/);
    await writeFile(f, text.slice(0, text.length / 2));
    [code, msg] = await codeOf(readCheckpoint(dir));
    expect(code).toBe('CORRUPT_DATA');
    expect(msg).toMatch(/checkpoint\.json is corrupt: not valid JSON/);
    await writeFile(f, text.replace('"version":1', '"version":99'));
    [code, msg] = await codeOf(readCheckpoint(dir));
    expect(code).toBe('INCOMPATIBLE');
    expect(msg).toMatch(/format version 99; this version of @steadygrad\/train reads version 1/);
  });

  it('a pointer that escapes the directory is rejected without reading it', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'latest'), '../../etc\n');
    const [code, msg] = await codeOf(readCheckpoint(dir));
    expect(code).toBe('CORRUPT_DATA');
    expect(msg).toMatch(/latest is corrupt: expected a generation name/);
  });

  it('a write interrupted before the commit leaves the previous checkpoint as latest', async () => {
    const dir = await tmp();
    await writeCheckpoint(dir, { n: 1 }, tensors());
    const err = await writeCheckpoint(dir, { n: 2 }, tensors(), {
      beforeCommit: () => {
        throw new Error('killed');
      },
    }).catch((e) => e);
    expect(String(err)).toMatch(/killed/);
    expect((await readCheckpoint(dir)).meta).toEqual({ n: 1 });
    expect((await readdir(dir)).sort()).toEqual(['ckpt-00000001', 'latest']);
  });
});
