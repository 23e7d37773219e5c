import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SteadygradError } from '../errors.js';
import { isInside, readRegularFile } from './read-regular-file.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sg-read-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<SteadygradError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SteadygradError);
    return e as SteadygradError;
  }
  throw new Error('expected a rejection');
}

describe('isInside', () => {
  it('is strict and lexical', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d/../e')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(false);
    expect(isInside('/a/b', '/a/b/..')).toBe(false);
    expect(isInside('/a/b', '/a/b-2/c')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
    expect(isInside('/a/b', '/a/b/..c')).toBe(true);
    expect(isInside('/a/b/', '/x')).toBe(false);
  });
});

describe('readRegularFile', () => {
  it('reads a regular file, through a link that stays inside', async () => {
    await writeFile(join(root, 'f'), 'hello');
    await symlink('f', join(root, 'link'));
    expect((await readRegularFile(join(root, 'f'), { maxBytes: 5, within: root })).toString()).toBe('hello');
    expect((await readRegularFile(join(root, 'link'), { maxBytes: 5, within: root })).toString()).toBe(
      'hello',
    );
    expect((await readRegularFile(join(root, 'f'), { maxBytes: 100 })).byteLength).toBe(5);
  });

  it('refuses a file over the limit', async () => {
    await writeFile(join(root, 'f'), 'hello!');
    const e = await rejection(readRegularFile(join(root, 'f'), { maxBytes: 5, what: 'pointer' }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.details.reason).toBe('too-large');
    expect(e.message).toContain('pointer');
  });

  it('refuses /dev/zero, a folder and a FIFO without reading or hanging', async () => {
    const dev = await rejection(readRegularFile('/dev/zero', { maxBytes: 1024 }));
    expect([dev.code, dev.details.reason]).toEqual(['CORRUPT_DATA', 'not-regular']);
    expect(dev.message).toContain('character device');
    await mkdir(join(root, 'd'));
    const dir = await rejection(readRegularFile(join(root, 'd'), { maxBytes: 1024 }));
    expect(dir.message).toContain('a folder');
    execFileSync('mkfifo', [join(root, 'fifo')]);
    const fifo = await rejection(readRegularFile(join(root, 'fifo'), { maxBytes: 1024 }));
    expect([fifo.code, fifo.details.reason]).toEqual(['CORRUPT_DATA', 'not-regular']);
    expect(fifo.message).toContain('FIFO');
  });

  it('refuses links that leave the folder (to a file, to a folder above, to a device)', async () => {
    const inner = join(root, 'inner');
    await mkdir(inner);
    await writeFile(join(root, 'secret'), 'x');
    await symlink(join(root, 'secret'), join(inner, 'out'));
    await symlink('..', join(inner, 'up'));
    await symlink('/dev/zero', join(inner, 'zero'));
    for (const p of [join(inner, 'out'), join(inner, 'up', 'secret'), join(inner, 'zero')]) {
      const e = await rejection(readRegularFile(p, { maxBytes: 1024, within: inner }));
      expect([e.code, e.details.reason]).toEqual(['CORRUPT_DATA', 'outside']);
    }
  });

  it('names a missing file NOT_FOUND and rejects a bad limit', async () => {
    expect((await rejection(readRegularFile(join(root, 'nope'), { maxBytes: 1 }))).code).toBe('NOT_FOUND');
    expect((await rejection(readRegularFile(join(root, 'nope'), { maxBytes: -1 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
  });
});
