import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, type SteadygradError } from '@steadygrad/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downloadFashionMnist } from './download-fashion-mnist.js';
import {
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_FILES,
  FASHION_MNIST_ROLES,
  FASHION_MNIST_SHA256,
  type FashionMnistFileRole,
} from './fashion-mnist-files.js';
import { loadFashionMnist } from './load-fashion-mnist.js';
import { fixtureFiles, fixtureLabel, fixturePixel } from './test-utils/fashion-fixtures.js';

type Mode = 'ok' | 'cut' | 'missing';

const { bytes, sha256 } = fixtureFiles({ train: 20, test: 10 });
const byName = new Map<string, Uint8Array>(
  FASHION_MNIST_ROLES.map((r) => [`/data/${FASHION_MNIST_FILES[r]}.gz`, bytes[r]] as const),
);
let mode: Mode = 'ok';
const requests: string[] = [];
let server: Server;
let baseUrl: string;
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sg-dl-'));
  dirs.push(d);
  return d;
}

async function rejection(p: Promise<unknown>): Promise<SteadygradError> {
  try {
    await p;
  } catch (e) {
    if (isSteadygradError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const body = byName.get(req.url ?? '');
    if (body === undefined || mode === 'missing') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': String(body.length) });
    if (mode === 'cut') {
      // Send half of the body, then drop the connection mid-transfer.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/data/`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

afterEach(() => {
  mode = 'ok';
  requests.length = 0;
});

describe('downloadFashionMnist (against a loopback HTTP server)', () => {
  it('defaults to the official URL and the official SHA-256 of each file', () => {
    expect(FASHION_MNIST_BASE_URL).toBe(
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
    );
    expect(FASHION_MNIST_SHA256.trainImages).toBe(
      '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
    );
    expect(FASHION_MNIST_SHA256.testLabels).toBe(
      '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
    );
  });

  it('downloads, verifies and saves the four files; the cache then loads without a server', async () => {
    const dir = join(tempDir(), 'cache');
    const paths = await downloadFashionMnist({ dir, baseUrl, checksums: sha256 });
    expect(requests.sort()).toEqual([
      '/data/t10k-images-idx3-ubyte.gz',
      '/data/t10k-labels-idx1-ubyte.gz',
      '/data/train-images-idx3-ubyte.gz',
      '/data/train-labels-idx1-ubyte.gz',
    ]);
    expect(readdirSync(dir).sort()).toEqual([
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    for (const role of FASHION_MNIST_ROLES)
      expect(new Uint8Array(readFileSync(paths[role]))).toEqual(bytes[role]);

    requests.length = 0;
    const again = await downloadFashionMnist({ dir, baseUrl, checksums: sha256 });
    expect(requests).toEqual([]); // present files are kept
    expect(again.trainImages).toBe(join(dir, 'train-images-idx3-ubyte.gz'));

    const data = await loadFashionMnist({ cacheDir: dir, env: {}, systemDir: null, download: false });
    expect(data.location.origin).toBe('cache');
    expect(data.train.count).toBe(20);
    expect(data.test.count).toBe(10);
    expect(data.train.images[5 * 784 + 3]).toBe(fixturePixel(5, 3));
    expect(data.test.labels[7]).toBe(fixtureLabel(7));
  });

  it('fills an empty cache through loadFashionMnist when the files are nowhere else', async () => {
    const cacheDir = join(tempDir(), 'nested', 'cache');
    const data = await loadFashionMnist({ cacheDir, env: {}, systemDir: null, baseUrl, checksums: sha256 });
    expect(data.location).toMatchObject({ origin: 'download', dir: cacheDir });
    expect(requests).toHaveLength(4);
    expect(Array.from(data.train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
  });

  it('rejects a wrong checksum with CHECKSUM_MISMATCH and leaves nothing in the cache', async () => {
    const dir = tempDir();
    const wrong: Record<FashionMnistFileRole, string> = { ...sha256, testImages: '0'.repeat(64) };
    const e = await rejection(downloadFashionMnist({ dir, baseUrl, checksums: wrong }));
    expect(e.code).toBe('CHECKSUM_MISMATCH');
    expect(e.message).toBe(
      `t10k-images-idx3-ubyte.gz from ${baseUrl}t10k-images-idx3-ubyte.gz: SHA-256 is ${sha256.testImages}, ` +
        `expected ${'0'.repeat(64)} (${bytes.testImages.length} bytes received); the file was not saved`,
    );
    expect(readdirSync(dir)).toEqual([]); // not even the files that did verify, nor temporary files
  });

  it('rejects a transfer cut off mid-body with IO_ERROR and leaves nothing in the cache', async () => {
    mode = 'cut';
    const dir = tempDir();
    const e = await rejection(downloadFashionMnist({ dir, baseUrl, checksums: sha256 }));
    expect(e.code).toBe('IO_ERROR');
    const total = bytes.trainImages.length;
    const prefix = `download of ${baseUrl}train-images-idx3-ubyte.gz was cut off after `;
    expect(e.message.startsWith(prefix)).toBe(true);
    const m = /^(\d+) bytes of (\d+): /.exec(e.message.slice(prefix.length));
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(total); // typically exactly total / 2
    expect(Number(m![2])).toBe(total);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reports HTTP errors with the URL and status', async () => {
    mode = 'missing';
    const dir = tempDir();
    const e = await rejection(
      downloadFashionMnist({ dir, baseUrl, checksums: sha256, roles: ['trainLabels'] }),
    );
    expect(e.code).toBe('IO_ERROR');
    expect(e.message).toBe(
      `download of ${baseUrl}train-labels-idx1-ubyte.gz failed: HTTP 404 Not Found, expected 200`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('turns a failed download into NOT_FOUND that says where it looked and how to get the data', async () => {
    mode = 'cut';
    const cacheDir = tempDir();
    const e = await rejection(
      loadFashionMnist({
        cacheDir,
        env: {},
        systemDir: join(cacheDir, 'no-debian'),
        baseUrl,
        checksums: sha256,
      }),
    );
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain('$FASHION_MNIST_DIR (not set)');
    expect(e.message).toContain(
      `${join(cacheDir, 'no-debian')} (Debian package dataset-fashion-mnist): no Fashion-MNIST files`,
    );
    expect(e.message).toContain(`${cacheDir} (user cache): no Fashion-MNIST files`);
    expect(e.message).toContain(`the download into ${cacheDir} failed (IO_ERROR: download of`);
    expect(e.message).toContain('sudo apt-get install dataset-fashion-mnist');
    expect(e.message).toContain('set FASHION_MNIST_DIR');
    expect(isSteadygradError(e.cause, 'IO_ERROR')).toBe(true);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('validates its options', async () => {
    const dir = tempDir();
    await expect(downloadFashionMnist({ dir, baseUrl: 'file:///etc/' })).rejects.toThrow(
      'baseUrl must be an http(s) URL, got "file:///etc/"',
    );
    await expect(
      downloadFashionMnist({ dir, baseUrl, checksums: { ...sha256, trainImages: 'abc' } }),
    ).rejects.toThrow('checksums.trainImages must be a 64-digit hex SHA-256, got "abc"');
    await expect(downloadFashionMnist({ dir, baseUrl, timeoutMs: 0 })).rejects.toThrow(
      'timeoutMs must be a finite number > 0, got 0',
    );
    await expect(
      downloadFashionMnist({ dir, baseUrl, checksums: sha256, maxBytes: 100, roles: ['trainImages'] }),
    ).rejects.toThrow(/announces \d+ bytes, more than the limit of 100/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
