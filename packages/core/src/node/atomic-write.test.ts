import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SteadygradError } from '../errors.js';
import { writeFileAtomic, writeFileExclusive } from './atomic-write.js';
import { checkWritableDirectory } from './check-writable-directory.js';
import { isProcessAlive, removeStaleTempFiles } from './stale-temp-files.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-write-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeFileAtomic / writeFileExclusive', () => {
  it('replaces the content and leaves no temporary file', async () => {
    const f = join(root, 'latest');
    await writeFileAtomic(f, 'one');
    await writeFileAtomic(f, new Uint8Array([116, 119, 111]));
    expect(await readFile(f, 'utf8')).toBe('two');
    expect(await readdir(root)).toEqual(['latest']);
  });

  it('fails with IO_ERROR naming the file and cleans up', async () => {
    const f = join(root, 'missing-folder', 'x');
    await expect(writeFileAtomic(f, 'x')).rejects.toMatchObject({ code: 'IO_ERROR', details: { file: f } });
    expect(await readdir(root)).toEqual([]);
    await writeFile(join(root, 'taken'), 'old');
    await expect(writeFileExclusive(join(root, 'taken'), 'new')).rejects.toThrow(/EEXIST/);
    expect(await readFile(join(root, 'taken'), 'utf8')).toBe('old');
  });
});

describe('removeStaleTempFiles', () => {
  it('removes the entries of dead processes and old ones, keeps live young ones and other names', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    expect(isProcessAlive(dead)).toBe(false);
    expect(isProcessAlive(process.pid)).toBe(true);
    await writeFile(join(root, `latest.tmp-${dead}`), 'x');
    await writeFile(join(root, `latest.tmp-${process.pid}`), 'x');
    await mkdir(join(root, `latest.tmp-${process.ppid}`));
    await writeFile(join(root, 'latest'), 'ckpt-00000001\n');
    const old = new Date(Date.now() - 3 * 24 * 3600 * 1000);
    await utimes(join(root, `latest.tmp-${process.ppid}`), old, old);
    const removed = await removeStaleTempFiles(root, { match: /^latest\.tmp-(\d+)$/ });
    expect(removed.sort()).toEqual([`latest.tmp-${dead}`, `latest.tmp-${process.ppid}`].sort());
    expect((await readdir(root)).sort()).toEqual(['latest', `latest.tmp-${process.pid}`]);
    expect(await removeStaleTempFiles(join(root, 'nope'), { match: /^x(\d+)$/ })).toEqual([]);
  });
});

describe('checkWritableDirectory', () => {
  it('creates the folder and leaves nothing behind', async () => {
    const d = join(root, 'a', 'b');
    await checkWritableDirectory(d);
    expect(await readdir(d)).toEqual([]);
  });

  it("removes the probes of dead processes and keeps a live one's", async () => {
    const d = join(root, 'probes');
    await checkWritableDirectory(d);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(join(d, `.write-probe-${dead}-0123abcd`), 'probe');
    await writeFile(join(d, `.write-probe-${process.ppid}-0123abcd`), 'probe');
    await writeFile(join(d, `.write-probe-${dead}-other`), 'not a probe name');
    await checkWritableDirectory(d);
    expect((await readdir(d)).sort()).toEqual(
      [`.write-probe-${dead}-other`, `.write-probe-${process.ppid}-0123abcd`].sort(),
    );
  });

  it('is IO_ERROR for a path under a file', async () => {
    await writeFile(join(root, 'file'), 'x');
    const d = join(root, 'file', 'sub');
    const e = await checkWritableDirectory(d, 'checkpoint folder').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SteadygradError);
    expect((e as SteadygradError).code).toBe('IO_ERROR');
    expect((e as SteadygradError).details.code).toBe('ENOTDIR');
    expect((e as SteadygradError).message).toContain('checkpoint folder');
  });
});
