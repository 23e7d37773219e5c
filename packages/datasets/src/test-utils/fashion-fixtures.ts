// Small synthetic Fashion-MNIST-shaped IDX files for tests (never the real data).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FASHION_MNIST_FILES, type FashionMnistFileRole } from '../fashion-mnist-files.js';
import { encodeIdx } from '../parse-idx.js';

/** Pixel j of fixture image i. */
export const fixturePixel = (i: number, j: number): number => (i * 31 + j * 7) % 256;
/** Label of fixture image i. */
export const fixtureLabel = (i: number): number => i % 10;

export function fixtureImages(n: number, rows = 28, cols = 28): Uint8Array {
  const px = new Uint8Array(n * rows * cols);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < rows * cols; j++) px[i * rows * cols + j] = fixturePixel(i, j);
  return px;
}

export function fixtureLabels(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => fixtureLabel(i));
}

export interface FixtureOptions {
  readonly train?: number;
  readonly test?: number;
  readonly gzip?: boolean;
  /** Replace one file's bytes (before compression). */
  readonly override?: Partial<Record<FashionMnistFileRole, Uint8Array>>;
}

/** The four files' bytes, keyed by role, plus their SHA-256. */
export function fixtureFiles(options: FixtureOptions = {}): {
  bytes: Record<FashionMnistFileRole, Uint8Array>;
  sha256: Record<FashionMnistFileRole, string>;
} {
  const { train = 20, test = 10, gzip = true, override = {} } = options;
  const raw: Record<FashionMnistFileRole, Uint8Array> = {
    trainImages: encodeIdx([train, 28, 28], fixtureImages(train)),
    trainLabels: encodeIdx([train], fixtureLabels(train)),
    testImages: encodeIdx([test, 28, 28], fixtureImages(test)),
    testLabels: encodeIdx([test], fixtureLabels(test)),
    ...override,
  };
  const bytes = {} as Record<FashionMnistFileRole, Uint8Array>;
  const sha256 = {} as Record<FashionMnistFileRole, string>;
  for (const role of Object.keys(raw) as FashionMnistFileRole[]) {
    const b = gzip ? new Uint8Array(gzipSync(raw[role])) : raw[role];
    bytes[role] = b;
    sha256[role] = createHash('sha256').update(b).digest('hex');
  }
  return { bytes, sha256 };
}

/** Writes fixture files into `dir` (as `NAME.gz` when gzipped, else `NAME`); returns `dir`. */
export function writeFixtureDir(dir: string, options: FixtureOptions = {}): string {
  mkdirSync(dir, { recursive: true });
  const { gzip = true } = options;
  const { bytes } = fixtureFiles(options);
  for (const role of Object.keys(bytes) as FashionMnistFileRole[]) {
    writeFileSync(join(dir, `${FASHION_MNIST_FILES[role]}${gzip ? '.gz' : ''}`), bytes[role]);
  }
  return dir;
}
