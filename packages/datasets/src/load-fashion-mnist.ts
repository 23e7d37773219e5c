import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkOptions, isSteadygradError, optionKeys, SteadygradError } from '@steadygrad/core';
import { readRegularFile } from '@steadygrad/core/node';
import {
  type DownloadFashionMnistOptions,
  downloadFashionMnist,
  type FetchLike,
} from './download-fashion-mnist.js';
import {
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_DIR_ENV,
  FASHION_MNIST_FILES,
  FASHION_MNIST_ROLES,
  type FashionMnistFileRole,
} from './fashion-mnist-files.js';
import { type FashionMnist, fashionMnistFromIdx } from './fashion-mnist-from-idx.js';
import type { IdxArray } from './parse-idx.js';
import { readIdx } from './read-idx.js';

/**
 * How the files were found: `options.dir` (`'dir'`), `$FASHION_MNIST_DIR` (`'env'`), Debian's system folder
 * (`'system'`), the user cache (`'cache'`) or a download just now (`'download'`).
 */
export type FashionMnistOrigin = 'dir' | 'env' | 'system' | 'cache' | 'download';

/** Where the files were found. */
export interface FashionMnistLocation {
  readonly origin: FashionMnistOrigin;
  readonly dir: string;
  readonly files: Readonly<Record<FashionMnistFileRole, string>>;
}

/**
 * Options of `locateFashionMnist`: an explicit folder, the download cache, and whether (and how) to download
 * when the files are nowhere.
 */
export interface LocateFashionMnistOptions {
  /** A directory holding the four files; when given, it is the only place looked at. */
  readonly dir?: string;
  /** The download cache. Default `$XDG_CACHE_HOME/steadygrad/fashion-mnist`, else `~/.cache/steadygrad/fashion-mnist`. */
  readonly cacheDir?: string;
  /** Download into the cache when the files are nowhere else. Default `true`. */
  readonly download?: boolean;
  /** Override the download base URL (default: the official one). */
  readonly baseUrl?: string;
  /** Override the pinned SHA-256 of each `*.gz` file (default: the official ones). */
  readonly checksums?: DownloadFashionMnistOptions['checksums'];
  readonly fetch?: FetchLike;
  readonly timeoutMs?: number;
  /** Called as download bytes arrive (see `downloadFashionMnist`). */
  readonly onProgress?: DownloadFashionMnistOptions['onProgress'];
  /** Environment to read `FASHION_MNIST_DIR`, `XDG_CACHE_HOME` and `HOME` from. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The system-wide directory (Debian's package). Default `/usr/share/datasets/fashion-mnist`; `null` skips it. */
  readonly systemDir?: string | null;
}

/** Options of `loadFashionMnist`: the same as `locateFashionMnist`, which it calls first. */
export interface LoadFashionMnistOptions extends LocateFashionMnistOptions {}

/** What a path is, in words, when it is not what was expected. */
function kindOf(st: import('node:fs').Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The file's kind when something exists at `path` (symbolic links followed), else `undefined`. */
async function statOf(path: string): Promise<import('node:fs').Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** The largest Fashion-MNIST file, uncompressed: 60,000 × 28 × 28 bytes plus its header (47 MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * The four files in `dir`, each as `NAME` (uncompressed, preferred) or `NAME.gz`, and which are missing.
 * An entry of one of those names that is not a regular file (a folder, a FIFO, a device) is `CORRUPT_DATA`
 * naming it and what it is — never read, never taken for a missing file.
 */
export async function findFashionMnistFiles(
  dir: string,
): Promise<{ files: Partial<Record<FashionMnistFileRole, string>>; missing: FashionMnistFileRole[] }> {
  const files: Partial<Record<FashionMnistFileRole, string>> = {};
  const missing: FashionMnistFileRole[] = [];
  for (const role of FASHION_MNIST_ROLES) {
    const base = join(dir, FASHION_MNIST_FILES[role]);
    let found: string | undefined;
    for (const candidate of [base, `${base}.gz`]) {
      const st = await statOf(candidate);
      if (st === undefined) continue;
      if (!st.isFile()) {
        throw new SteadygradError(
          'CORRUPT_DATA',
          `Fashion-MNIST file ${candidate} is ${kindOf(st)}, not a regular file`,
          { details: { path: candidate, role, reason: 'not-regular' } },
        );
      }
      found = candidate;
      break;
    }
    if (found === undefined) missing.push(role);
    else files[role] = found;
  }
  return { files, missing };
}

/** An explicitly given dataset folder must be a folder: `/dev/zero`, a FIFO or a file is named as such. */
async function checkFolder(dir: string, label: string): Promise<void> {
  const st = await statOf(dir);
  if (st === undefined) {
    throw new SteadygradError('NOT_FOUND', `Fashion-MNIST not found: ${label} = ${dir} does not exist`, {
      details: { dir },
    });
  }
  if (!st.isDirectory()) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${label} = ${dir} is ${kindOf(st)}, not a folder; expected the folder holding the four Fashion-MNIST files`,
      { details: { dir, reason: 'not-a-folder' } },
    );
  }
}

/** The default download cache directory. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME;
  const root =
    xdg !== undefined && xdg !== ''
      ? xdg
      : join(home !== undefined && home !== '' ? home : homedir(), '.cache');
  return join(root, 'steadygrad', 'fashion-mnist');
}

function describeMissing(missing: readonly FashionMnistFileRole[]): string {
  if (missing.length === FASHION_MNIST_ROLES.length) return 'no Fashion-MNIST files';
  return `missing ${missing.map((r) => `${FASHION_MNIST_FILES[r]}[.gz]`).join(', ')}`;
}

function howToGet(baseUrl: string): string {
  return (
    'To get it: on Debian/Ubuntu run `sudo apt-get install dataset-fashion-mnist` ' +
    `(installs to ${DEBIAN_FASHION_MNIST_DIR}); or allow the download (download: true), which fetches the ` +
    `official files from ${baseUrl} into the user cache and verifies their SHA-256; or set ` +
    `${FASHION_MNIST_DIR_ENV} (or pass dir) to a directory holding ` +
    `${FASHION_MNIST_ROLES.map((r) => FASHION_MNIST_FILES[r]).join(', ')} (each gzipped as *.gz or not).`
  );
}

const LOCATE_KEYS = optionKeys<LocateFashionMnistOptions>()([
  'dir',
  'cacheDir',
  'download',
  'baseUrl',
  'checksums',
  'fetch',
  'timeoutMs',
  'onProgress',
  'env',
  'systemDir',
]);

/**
 * Finds the four Fashion-MNIST files. Look-up order:
 * 1. `options.dir` — when given, the only place looked at (missing files are an error);
 * 2. the `FASHION_MNIST_DIR` environment variable — likewise exclusive when set;
 * 3. `/usr/share/datasets/fashion-mnist` (Debian's `dataset-fashion-mnist`);
 * 4. the user cache (`cacheDir`), filled by {@link downloadFashionMnist} when `download` is true.
 * A missing dataset is `NOT_FOUND` with a message listing where it looked and how to get it.
 */
export async function locateFashionMnist(
  options: LocateFashionMnistOptions = {},
): Promise<FashionMnistLocation> {
  checkOptions('locateFashionMnist', options, LOCATE_KEYS);
  const {
    dir,
    download = true,
    baseUrl = FASHION_MNIST_BASE_URL,
    env = process.env,
    systemDir = DEBIAN_FASHION_MNIST_DIR,
  } = options;
  const looked: string[] = [];
  const complete = (files: Partial<Record<FashionMnistFileRole, string>>) =>
    files as Record<FashionMnistFileRole, string>;

  const explicit: [FashionMnistOrigin, string, string][] = [];
  if (dir !== undefined) explicit.push(['dir', dir, 'options.dir']);
  else if (env[FASHION_MNIST_DIR_ENV] !== undefined && env[FASHION_MNIST_DIR_ENV] !== '') {
    explicit.push(['env', env[FASHION_MNIST_DIR_ENV]!, `$${FASHION_MNIST_DIR_ENV}`]);
  }
  for (const [origin, d, label] of explicit) {
    await checkFolder(d, label);
    const { files, missing } = await findFashionMnistFiles(d);
    if (missing.length === 0) return { origin, dir: d, files: complete(files) };
    throw new SteadygradError(
      'NOT_FOUND',
      `Fashion-MNIST not found: ${label} = ${d} holds ${describeMissing(missing)}; expected all four files there. ` +
        howToGet(baseUrl),
      { details: { dir: d, missing } },
    );
  }
  if (dir === undefined) looked.push(`$${FASHION_MNIST_DIR_ENV} (not set)`);

  if (systemDir !== null) {
    const { files, missing } = await findFashionMnistFiles(systemDir);
    if (missing.length === 0) return { origin: 'system', dir: systemDir, files: complete(files) };
    looked.push(`${systemDir} (Debian package dataset-fashion-mnist): ${describeMissing(missing)}`);
  }

  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const cached = await findFashionMnistFiles(cacheDir);
  if (cached.missing.length === 0) return { origin: 'cache', dir: cacheDir, files: complete(cached.files) };
  looked.push(`${cacheDir} (user cache): ${describeMissing(cached.missing)}`);

  let why: string;
  let cause: unknown;
  if (download) {
    try {
      await downloadFashionMnist({
        dir: cacheDir,
        baseUrl,
        ...(options.checksums === undefined ? {} : { checksums: options.checksums }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        roles: cached.missing,
      });
      const after = await findFashionMnistFiles(cacheDir);
      if (after.missing.length === 0)
        return { origin: 'download', dir: cacheDir, files: complete(after.files) };
      why = `after downloading, ${cacheDir} still lacks ${describeMissing(after.missing)}`;
    } catch (e) {
      cause = e;
      const code = isSteadygradError(e) ? `${e.code}: ` : '';
      why = `the download into ${cacheDir} failed (${code}${(e as Error).message})`;
    }
  } else {
    why = 'downloading is disabled (download: false)';
  }
  throw new SteadygradError(
    'NOT_FOUND',
    `Fashion-MNIST not found. Looked in: ${looked.join('; ')}. Then ${why}. ${howToGet(baseUrl)}`,
    { details: { looked, cacheDir }, cause },
  );
}

/** Reads and validates the four files of a location (see {@link fashionMnistFromIdx}). */
export async function readFashionMnistFiles(
  files: Readonly<Record<FashionMnistFileRole, string>>,
): Promise<FashionMnist> {
  const parsed = {} as Record<FashionMnistFileRole, IdxArray>;
  for (const role of FASHION_MNIST_ROLES) {
    const path = files[role];
    // A regular file only (a FIFO cannot hang this, /dev/zero cannot fill memory), bounded while reading.
    const bytes = await readRegularFile(path, { maxBytes: MAX_FILE_BYTES, what: 'Fashion-MNIST file' });
    parsed[role] = readIdx(bytes, { name: path, ranks: role.endsWith('Images') ? [3] : [1] });
  }
  return fashionMnistFromIdx(parsed, { names: files });
}

/**
 * Loads Fashion-MNIST (60,000 training and 10,000 test images, 28×28 uint8, labels 0..9) from the first
 * place {@link locateFashionMnist} finds it, downloading it into the user cache if allowed.
 * Images stay `uint8`; use `imageSource` to scale them when a batch is taken.
 */
export async function loadFashionMnist(
  options: LoadFashionMnistOptions = {},
): Promise<FashionMnist & { readonly location: FashionMnistLocation }> {
  const location = await locateFashionMnist(options);
  const data = await readFashionMnistFiles(location.files);
  return { ...data, location };
}
