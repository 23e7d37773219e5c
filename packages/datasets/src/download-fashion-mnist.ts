import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import {
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_FILES,
  FASHION_MNIST_ROLES,
  FASHION_MNIST_SHA256,
  type FashionMnistFileRole,
} from './fashion-mnist-files.js';

/** The part of the WHATWG `fetch` the downloader uses (Node's global `fetch` fits). */
export type FetchLike = (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;

/**
 * Options of `downloadFashionMnist`: where the files go, where they come from, the checksums they must match,
 * and the limits of the transfer.
 */
export interface DownloadFashionMnistOptions {
  /** Directory the `*.gz` files are written to (created if missing). */
  readonly dir: string;
  /** Base URL the file names are appended to. Default {@link FASHION_MNIST_BASE_URL} (official). */
  readonly baseUrl?: string;
  /** Expected SHA-256 (hex) of each `*.gz` file. Default {@link FASHION_MNIST_SHA256} (official). */
  readonly checksums?: Readonly<Record<FashionMnistFileRole, string>>;
  /** Which files to fetch. Default: all four. */
  readonly roles?: readonly FashionMnistFileRole[];
  /** Re-download files that already exist in `dir`. Default `false`. */
  readonly force?: boolean;
  /** The fetch implementation. Default the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Per-file time limit in milliseconds. Default 300,000 (5 minutes). */
  readonly timeoutMs?: number;
  /** Largest accepted file in bytes (the official files are at most 26.4 MB). Default 64 MiB. */
  readonly maxBytes?: number;
  /** Called as bytes arrive. */
  readonly onProgress?: (progress: { file: string; received: number; total: number | undefined }) => void;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function ioError(message: string, details: Record<string, unknown>, cause?: unknown): SteadygradError {
  return new SteadygradError('IO_ERROR', message, { details, cause });
}

/**
 * Streams `url` into `tmpPath`, hashing as it goes; verifies the transfer is complete (the declared
 * `Content-Length`, when given) and that its SHA-256 equals `expectedSha256`. Throws `IO_ERROR` for
 * HTTP and transfer failures, `CHECKSUM_MISMATCH` for wrong content.
 */
async function fetchToFile(
  url: string,
  tmpPath: string,
  expectedSha256: string,
  fetchFn: FetchLike,
  timeoutMs: number,
  maxBytes: number,
  onProgress: DownloadFashionMnistOptions['onProgress'],
  file: string,
): Promise<void> {
  let res: Response;
  try {
    res = await fetchFn(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw ioError(`download of ${url} failed: ${(e as Error).message}`, { url }, e);
  }
  if (!res.ok || res.body === null) {
    throw ioError(`download of ${url} failed: HTTP ${res.status} ${res.statusText}, expected 200`, {
      url,
      status: res.status,
    });
  }
  const lengthHeader = res.headers.get('content-length');
  const declared = lengthHeader === null ? undefined : Number(lengthHeader);
  if (declared !== undefined && declared > maxBytes) {
    await res.body.cancel();
    throw ioError(`download of ${url} announces ${declared} bytes, more than the limit of ${maxBytes}`, {
      url,
      declared,
      maxBytes,
    });
  }
  const hash = createHash('sha256');
  const handle = await open(tmpPath, 'wx');
  let received = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (e) {
        throw ioError(
          `download of ${url} was cut off after ${received} bytes` +
            `${declared === undefined ? '' : ` of ${declared}`}: ${(e as Error).message}`,
          { url, received, declared },
          e,
        );
      }
      if (chunk.done) break;
      received += chunk.value.length;
      if (received > maxBytes) {
        await reader.cancel();
        throw ioError(`download of ${url} exceeds the limit of ${maxBytes} bytes`, { url, maxBytes });
      }
      hash.update(chunk.value);
      await handle.write(chunk.value);
      onProgress?.({ file, received, total: declared });
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (declared !== undefined && received !== declared) {
    throw ioError(`download of ${url} was cut off: got ${received} bytes, expected ${declared}`, {
      url,
      received,
      declared,
    });
  }
  const actual = hash.digest('hex');
  if (actual !== expectedSha256.toLowerCase()) {
    throw new SteadygradError(
      'CHECKSUM_MISMATCH',
      `${file} from ${url}: SHA-256 is ${actual}, expected ${expectedSha256} (${received} bytes received); ` +
        'the file was not saved',
      { details: { url, file, expected: expectedSha256, actual, bytes: received } },
    );
  }
}

const DOWNLOAD_KEYS = optionKeys<DownloadFashionMnistOptions>()([
  'dir',
  'baseUrl',
  'checksums',
  'roles',
  'force',
  'fetch',
  'timeoutMs',
  'maxBytes',
  'onProgress',
]);

/**
 * Downloads the gzipped Fashion-MNIST files into `dir`, verifying each against its pinned SHA-256.
 * Each file is streamed to a temporary file in `dir`; only when every requested file has arrived
 * complete and verified are they renamed into place (atomic on one file system), so a failed, cut-off
 * or wrong download leaves nothing behind. Files already present are kept unless `force`.
 *
 * Returns the paths of the requested files. Throws `IO_ERROR` (HTTP error, cut-off transfer, timeout,
 * over-long body) or `CHECKSUM_MISMATCH`.
 */
export async function downloadFashionMnist(
  options: DownloadFashionMnistOptions,
): Promise<Record<FashionMnistFileRole, string>> {
  checkOptions('downloadFashionMnist', options, DOWNLOAD_KEYS);
  const {
    dir,
    baseUrl = FASHION_MNIST_BASE_URL,
    checksums = FASHION_MNIST_SHA256,
    roles = FASHION_MNIST_ROLES,
    force = false,
    fetch: fetchFn = globalThis.fetch,
    timeoutMs = 300_000,
    maxBytes = 64 * 2 ** 20,
    onProgress,
  } = options;
  checkNumber('timeoutMs', timeoutMs, { above: 0 });
  checkNumber('maxBytes', maxBytes, { above: 0, integer: true });
  if (!/^https?:\/\//.test(baseUrl)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `baseUrl must be an http(s) URL, got ${JSON.stringify(baseUrl)}`,
    );
  }
  if (typeof fetchFn !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'no fetch implementation: pass options.fetch (Node >= 18 has one)',
    );
  }
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  await mkdir(dir, { recursive: true });

  const paths = {} as Record<FashionMnistFileRole, string>;
  const pending: { role: FashionMnistFileRole; file: string; path: string; tmp: string }[] = [];
  for (const role of roles) {
    const file = `${FASHION_MNIST_FILES[role]}.gz`;
    const path = join(dir, file);
    paths[role] = path;
    if (!force && (await exists(path))) continue;
    const expected = checksums[role];
    if (typeof expected !== 'string' || !/^[0-9a-fA-F]{64}$/.test(expected)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `checksums.${role} must be a 64-digit hex SHA-256, got ${JSON.stringify(expected)}`,
      );
    }
    const tmp = join(dir, `.${file}.${process.pid}.${randomBytes(6).toString('hex')}.part`);
    pending.push({ role, file, path, tmp });
  }
  try {
    for (const p of pending) {
      await fetchToFile(
        `${base}${p.file}`,
        p.tmp,
        checksums[p.role],
        fetchFn,
        timeoutMs,
        maxBytes,
        onProgress,
        p.file,
      );
    }
    for (const p of pending) await rename(p.tmp, p.path);
  } catch (e) {
    await Promise.all(pending.map((p) => unlink(p.tmp).catch(() => undefined)));
    throw e;
  }
  return paths;
}
