import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CacheEntry,
  cachedSeconds,
  cacheFile,
  cacheKey,
  type RunSpec,
  readCached,
  writeCached,
} from './cache.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-cache-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const spec: RunSpec = { experiment: 'transfer', profile: 'notebook', args: ['--seeds', '10'] };
const entry = (s: RunSpec, seconds: number, finishedAt: string, result: unknown = { ok: 1 }): CacheEntry => ({
  spec: s,
  result,
  seconds,
  finishedAt,
});

describe('report cache', () => {
  it('keys by experiment, profile and flags: any change is another entry', () => {
    const key = cacheKey(spec);
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(cacheKey({ ...spec })).toBe(key);
    expect(cacheKey({ ...spec, profile: 'quick' })).not.toBe(key);
    expect(cacheKey({ ...spec, experiment: 'transfer-cnn' })).not.toBe(key);
    expect(cacheKey({ ...spec, args: ['--seeds', '3'] })).not.toBe(key);
    expect(cacheKey({ ...spec, args: [] })).not.toBe(key);
    expect(cacheFile('/c', spec)).toBe(`/c/transfer.notebook.${key}.json`);
  });

  it('stores and reads back an entry; another key misses', async () => {
    expect(await readCached(dir, spec)).toBeUndefined();
    const file = await writeCached(dir, entry(spec, 12.5, '2026-12-07T23:00:00Z', { testAccuracy: 0.9 }));
    expect(file).toBe(cacheFile(dir, spec));
    expect(await readCached(dir, spec)).toEqual(
      entry(spec, 12.5, '2026-12-07T23:00:00Z', { testAccuracy: 0.9 }),
    );
    expect(await readCached(dir, { ...spec, args: [] })).toBeUndefined();
    // Written atomically: no temporary file is left beside it.
    expect(await readdir(dir)).toEqual([`transfer.notebook.${cacheKey(spec)}.json`]);
  });

  it('a torn or foreign file counts as no entry', async () => {
    await writeFile(cacheFile(dir, spec), '{"spec": ');
    expect(await readCached(dir, spec)).toBeUndefined();
    // An entry stored under this name for another spec (e.g. copied by hand) is not taken.
    await writeFile(cacheFile(dir, spec), JSON.stringify(entry({ ...spec, args: [] }, 1, 'x')));
    expect(await readCached(dir, spec)).toBeUndefined();
    await writeCached(dir, entry(spec, 2, 'y'));
    expect(JSON.parse(await readFile(cacheFile(dir, spec), 'utf8')).seconds).toBe(2);
  });

  it('cached runtimes of an experiment and profile, newest first, not those of a longer name', async () => {
    await writeCached(dir, entry(spec, 100, '2026-12-07T20:00:00Z'));
    await writeCached(dir, entry({ ...spec, args: [] }, 50, '2026-12-07T22:00:00Z'));
    await writeCached(dir, entry({ ...spec, profile: 'quick' }, 5, '2026-12-07T23:00:00Z'));
    await writeCached(dir, entry({ ...spec, experiment: 'transfer-cnn' }, 7, '2026-12-07T23:00:00Z'));
    expect(await cachedSeconds(dir, 'transfer', 'notebook')).toEqual([50, 100]);
    expect(await cachedSeconds(dir, 'transfer', 'quick')).toEqual([5]);
    expect(await cachedSeconds(join(dir, 'absent'), 'transfer', 'quick')).toEqual([]);
  });
});
