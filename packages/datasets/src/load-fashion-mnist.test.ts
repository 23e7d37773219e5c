import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, type SteadygradError } from '@steadygrad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES } from './fashion-mnist-files.js';
import {
  defaultCacheDir,
  findFashionMnistFiles,
  loadFashionMnist,
  locateFashionMnist,
} from './load-fashion-mnist.js';
import { encodeIdx } from './parse-idx.js';
import { fixtureImages, fixtureLabel, fixturePixel, writeFixtureDir } from './test-utils/fashion-fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'sg-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(root, `d${n++}`);
const nowhere = () => {
  const d = fresh();
  mkdirSync(d);
  return d;
};

async function rejection(p: Promise<unknown>): Promise<SteadygradError> {
  try {
    await p;
  } catch (e) {
    if (isSteadygradError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('loadFashionMnist from local files', () => {
  it('loads gzipped files from an explicit dir: counts, shape, pixels, labels, class names', async () => {
    const dir = writeFixtureDir(fresh(), { train: 30, test: 12 });
    const data = await loadFashionMnist({ dir, download: false, env: {}, systemDir: null });
    expect(data.location).toMatchObject({ origin: 'dir', dir });
    expect(data.train.count).toBe(30);
    expect(data.train.shape).toEqual([28, 28]);
    expect(data.train.images).toBeInstanceOf(Uint8Array);
    expect(data.train.images.length).toBe(30 * 784);
    expect(data.train.labels).toBeInstanceOf(Uint8Array);
    expect(data.test.count).toBe(12);
    expect(data.train.images[29 * 784 + 783]).toBe(fixturePixel(29, 783));
    expect(data.test.labels[11]).toBe(fixtureLabel(11));
    expect(data.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sandal',
      'Shirt',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(data.classNames).toBe(CLASS_NAMES);
  });

  it('accepts uncompressed files, and a mix of .gz and uncompressed names', async () => {
    const dir = writeFixtureDir(fresh(), { gzip: false, train: 10, test: 10 });
    const found = await findFashionMnistFiles(dir);
    expect(found.missing).toEqual([]);
    expect(found.files.trainImages).toBe(join(dir, 'train-images-idx3-ubyte'));
    const a = await loadFashionMnist({ dir, download: false });
    expect(a.train.images[784 + 1]).toBe(fixturePixel(1, 1));
    const gzDir = writeFixtureDir(fresh(), { train: 10, test: 10 });
    unlinkSync(join(gzDir, 'train-labels-idx1-ubyte.gz'));
    writeFileSync(
      join(gzDir, 'train-labels-idx1-ubyte'),
      encodeIdx(
        [10],
        Array.from({ length: 10 }, (_, i) => 9 - i),
      ),
    );
    const b = await loadFashionMnist({ dir: gzDir, download: false });
    expect(Array.from(b.train.labels.subarray(0, 3))).toEqual([9, 8, 7]);
  });

  it('looks in order: dir, then $FASHION_MNIST_DIR, then the system dir, then the cache', async () => {
    const explicit = writeFixtureDir(fresh(), { train: 11 });
    const envDir = writeFixtureDir(fresh(), { train: 12 });
    const system = writeFixtureDir(fresh(), { train: 13 });
    const cache = writeFixtureDir(fresh(), { train: 14 });
    const env = { FASHION_MNIST_DIR: envDir };
    const base = { download: false, cacheDir: cache };
    expect((await loadFashionMnist({ ...base, dir: explicit, env, systemDir: system })).train.count).toBe(11);
    const fromEnv = await loadFashionMnist({ ...base, env, systemDir: system });
    expect([fromEnv.location.origin, fromEnv.train.count]).toEqual(['env', 12]);
    const fromSystem = await loadFashionMnist({ ...base, env: { FASHION_MNIST_DIR: '' }, systemDir: system });
    expect([fromSystem.location.origin, fromSystem.train.count]).toEqual(['system', 13]);
    const fromCache = await loadFashionMnist({ ...base, env: {}, systemDir: nowhere() });
    expect([fromCache.location.origin, fromCache.train.count]).toEqual(['cache', 14]);
  });

  it('uses $XDG_CACHE_HOME or ~/.cache for the default cache', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' })).toBe(
      '/x/cache/steadygrad/fashion-mnist',
    );
    expect(defaultCacheDir({ HOME: '/home/u' })).toBe('/home/u/.cache/steadygrad/fashion-mnist');
  });

  it('a missing dataset with downloading disabled is NOT_FOUND: where it looked and how to get it', async () => {
    const system = nowhere();
    const cacheDir = nowhere();
    let fetched = 0;
    const e = await rejection(
      locateFashionMnist({
        env: {},
        systemDir: system,
        cacheDir,
        download: false,
        fetch: async () => {
          fetched++;
          return new Response('');
        },
      }),
    );
    expect(fetched).toBe(0);
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe(
      `Fashion-MNIST not found. Looked in: $FASHION_MNIST_DIR (not set); ${system} (Debian package ` +
        `dataset-fashion-mnist): no Fashion-MNIST files; ${cacheDir} (user cache): no Fashion-MNIST files. ` +
        'Then downloading is disabled (download: false). To get it: on Debian/Ubuntu run ' +
        '`sudo apt-get install dataset-fashion-mnist` (installs to /usr/share/datasets/fashion-mnist); or allow ' +
        'the download (download: true), which fetches the official files from ' +
        'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/ into the user cache ' +
        'and verifies their SHA-256; or set FASHION_MNIST_DIR (or pass dir) to a directory holding ' +
        'train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte ' +
        '(each gzipped as *.gz or not).',
    );
  });

  it('an explicit dir or $FASHION_MNIST_DIR lacking files is NOT_FOUND naming the missing files', async () => {
    const partial = writeFixtureDir(fresh());
    unlinkSync(join(partial, 't10k-labels-idx1-ubyte.gz'));
    const e = await rejection(loadFashionMnist({ dir: partial, systemDir: null }));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toMatch(
      new RegExp(
        `^Fashion-MNIST not found: options\\.dir = ${partial} holds missing t10k-labels-idx1-ubyte\\[\\.gz\\]; expected all four files there\\. To get it: `,
      ),
    );
    const empty = nowhere();
    const f = await rejection(loadFashionMnist({ env: { FASHION_MNIST_DIR: empty }, download: false }));
    expect(f.message).toContain(`$FASHION_MNIST_DIR = ${empty} holds no Fashion-MNIST files`);
    expect(f.message).toContain('apt-get install dataset-fashion-mnist');
  });

  it('reports a truncated file by its path, expected size and actual size', async () => {
    const dir = writeFixtureDir(fresh(), { gzip: false, train: 10 });
    const path = join(dir, 'train-images-idx3-ubyte');
    writeFileSync(path, encodeIdx([10, 28, 28], fixtureImages(10)).subarray(0, 5000));
    const e = await rejection(loadFashionMnist({ dir }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toBe(
      `${path}: file is truncated: the IDX header (dims [10, 28, 28]) implies 7,856 bytes, got 5,000 bytes`,
    );
  });

  it('rejects a labels/images count mismatch, wrong image dims, out-of-range labels and swapped files', async () => {
    const mismatch = writeFixtureDir(fresh(), {
      train: 10,
      override: { trainLabels: encodeIdx([9], new Uint8Array(9)) },
    });
    const e = await rejection(loadFashionMnist({ dir: mismatch }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toBe(
      `${join(mismatch, 'train-images-idx3-ubyte.gz')} holds 10 images but ` +
        `${join(mismatch, 'train-labels-idx1-ubyte.gz')} holds 9 labels; expected one label per image`,
    );
    const dims = writeFixtureDir(fresh(), {
      override: { testImages: encodeIdx([10, 27, 28], new Uint8Array(270 * 28)) },
    });
    await expect(loadFashionMnist({ dir: dims })).rejects.toThrow(
      `${join(dims, 't10k-images-idx3-ubyte.gz')}: expected images of dims [count, 28, 28], got [10, 27, 28]`,
    );
    const label = writeFixtureDir(fresh(), {
      train: 3,
      override: { trainLabels: encodeIdx([3], [1, 10, 2]) },
    });
    await expect(loadFashionMnist({ dir: label })).rejects.toThrow(
      `${join(label, 'train-labels-idx1-ubyte.gz')}: label 10 at index 1 is outside [0, 10)`,
    );
    const swapped = writeFixtureDir(fresh(), {
      train: 3,
      override: { trainLabels: encodeIdx([3, 28, 28], new Uint8Array(3 * 784)) },
    });
    await expect(loadFashionMnist({ dir: swapped })).rejects.toThrow(
      `${join(swapped, 'train-labels-idx1-ubyte.gz')} (after gunzip): IDX rank is 3 (magic 0x00000803), expected 1 (0x00000801)`,
    );
  });
});
