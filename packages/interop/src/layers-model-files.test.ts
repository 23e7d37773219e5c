import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, tf } from '@steadygrad/core';
import { type Container, Dense, Sequential } from '@steadygrad/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModel, saveLayersModel } from './index.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'steadygrad-model-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
const freshDir = () => join(root, `d${n++}`);

function model(seed: number): Sequential {
  const m = new Sequential(
    [new Dense({ units: 3, inputShape: [2], name: 'h' }), new Dense({ units: 2, name: 'o' })],
    {
      seed,
    },
  );
  m.build();
  return m;
}
const values = (m: Container) => m.parameters.map((p) => Array.from(p.variable.dataSync()));
const manifestPaths = async (dir: string): Promise<string[]> =>
  JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest.flatMap(
    (g: { paths: string[] }) => g.paths,
  );

async function expectLoadError(dir: string, code: string, pattern: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  const err = await loadLayersModel(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSteadygradError(err, code as never), String(err)).toBe(true);
  expect((err as Error).message).toMatch(pattern);
  expect(tf.memory().numTensors).toBe(before);
}

describe('saveLayersModel over an existing model', () => {
  it('writes content-named weights, switches model.json last and removes the old weights after', async () => {
    const dir = freshDir();
    const a = model(1);
    const b = model(2);
    const first = await saveLayersModel(a, dir);
    const second = await saveLayersModel(b, dir);
    expect(first.weightsPath).not.toBe(second.weightsPath);
    expect((await readdir(dir)).sort()).toEqual(['model.json', second.weightsPath.slice(dir.length + 1)]);
    expect(await manifestPaths(dir)).toEqual([second.weightsPath.slice(dir.length + 1)]);
    const back = await loadLayersModel(dir);
    expect(values(back)).toEqual(values(b));
    // The same weights saved again keep their name: nothing to remove, nothing new.
    const third = await saveLayersModel(b, dir);
    expect(third.weightsPath).toBe(second.weightsPath);
    expect((await readdir(dir)).length).toBe(2);
    for (const m of [a, b, back]) m.dispose();
  });

  it('a save that stopped after writing its weights leaves the old model loadable; the next save cleans up', async () => {
    const dir = freshDir();
    const a = model(3);
    await saveLayersModel(a, dir);
    // What a crash between the two renames leaves: new content-named weights and temporary files of a
    // process that no longer exists, beside the old, intact pair.
    await writeFile(join(dir, 'weights-0123456789abcdef.bin'), new Uint8Array(44));
    await writeFile(join(dir, '.model.json.tmp-999999999-a1b2c3d4e5f6'), '{"half": ');
    await writeFile(join(dir, '.weights.bin.999999999.a1b2c3d4e5f6.tmp'), 'x');
    // A temporary file of a live process (this one) that is recent is a save in progress: it stays.
    const live = `.model.json.tmp-${process.pid}-0a0b0c0d0e0f`;
    await writeFile(join(dir, live), '{');
    const old = await loadLayersModel(dir);
    expect(values(old)).toEqual(values(a));
    const b = model(4);
    const saved = await saveLayersModel(b, dir);
    expect((await readdir(dir)).sort()).toEqual(
      [live, 'model.json', saved.weightsPath.slice(dir.length + 1)].sort(),
    );
    // A live process's temporary file older than a day is stale too.
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await utimes(join(dir, live), dayAgo, dayAgo);
    await saveLayersModel(b, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', saved.weightsPath.slice(dir.length + 1)]);
    for (const m of [a, b, old]) m.dispose();
  });

  it('replaces the older layouts: a model.json with weights.bin or tfjs shards loses them after the switch', async () => {
    const dir = freshDir();
    await mkdir(dir);
    const a = model(5);
    const saved = await saveLayersModel(a, dir);
    const bytes = await readFile(saved.weightsPath);
    // Rewrite the pair as the previous version of saveLayersModel wrote it, plus an unrelated file.
    await rm(saved.weightsPath);
    await writeFile(join(dir, 'weights.bin'), bytes);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].paths = ['weights.bin'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await writeFile(join(dir, 'notes.txt'), 'mine');
    const legacy = await loadLayersModel(dir);
    expect(values(legacy)).toEqual(values(a));
    const b = model(6);
    const next = await saveLayersModel(b, dir);
    expect((await readdir(dir)).sort()).toEqual(
      ['model.json', next.weightsPath.slice(dir.length + 1), 'notes.txt'].sort(),
    );
    for (const m of [a, b, legacy]) m.dispose();
  });

  it('refuses a model.json that is a folder or a FIFO before writing anything', async () => {
    const dir = freshDir();
    await mkdir(join(dir, 'model.json'), { recursive: true });
    const a = model(7);
    await expect(saveLayersModel(a, dir)).rejects.toThrow(
      /model\.json: it exists and is a folder, not a regular file; nothing was written/,
    );
    expect(await readdir(dir)).toEqual(['model.json']);
    const fifoDir = freshDir();
    await mkdir(fifoDir);
    execFileSync('mkfifo', [join(fifoDir, 'model.json')]);
    await expect(saveLayersModel(a, fifoDir)).rejects.toThrow(/is a special file \(FIFO, device or socket\)/);
    expect(await readdir(fifoDir)).toEqual(['model.json']);
    a.dispose();
  });
});

describe('loadLayersModel reads regular files only', () => {
  it('a model.json or weights file that is a FIFO, a folder or a link to a device is CORRUPT_DATA, never a hang', async () => {
    const fifo = freshDir();
    await mkdir(fifo);
    execFileSync('mkfifo', [join(fifo, 'model.json')]);
    await expectLoadError(
      fifo,
      'CORRUPT_DATA',
      /model\.json .*model\.json is a FIFO \(named pipe\), not a regular file/,
    );
    const folder = freshDir();
    await mkdir(join(folder, 'model.json'), { recursive: true });
    await expectLoadError(folder, 'CORRUPT_DATA', /is a folder, not a regular file/);
    const device = freshDir();
    await mkdir(device);
    await symlink('/dev/zero', join(device, 'model.json'));
    await expectLoadError(device, 'CORRUPT_DATA', /outside the model directory|outside/);

    const a = model(8);
    const dir = freshDir();
    const saved = await saveLayersModel(a, dir);
    await rm(saved.weightsPath);
    execFileSync('mkfifo', [saved.weightsPath]);
    await expectLoadError(
      dir,
      'CORRUPT_DATA',
      /weights-[0-9a-f]{16}\.bin is a FIFO \(named pipe\), not a regular file/,
    );
    a.dispose();
  });

  it('maxJsonBytes is counted while reading', async () => {
    const a = model(9);
    const dir = freshDir();
    await saveLayersModel(a, dir);
    const err = await loadLayersModel(dir, { maxJsonBytes: 100 }).catch((e: unknown) => e);
    expect(isSteadygradError(err, 'CORRUPT_DATA')).toBe(true);
    expect((err as Error).message).toMatch(/model\.json: larger than maxJsonBytes \(100 bytes\)/);
    a.dispose();
  });
});
