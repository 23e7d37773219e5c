// Shared by the interop tests that write model folders: a scratch root per test file, fresh folders in it,
// and what a save wrote.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import { afterAll, beforeAll, expect } from 'vitest';

/** The scratch folders of one test file. */
export interface ScratchDirs {
  /** The root folder (created before the file's tests, removed after). */
  readonly root: () => string;
  /** A new folder path under the root (not created). */
  readonly freshDir: () => string;
}

/** Registers the gradients and a scratch root for the calling test file (its beforeAll/afterAll). */
export function scratchDirs(prefix = 'steadygrad-interop-'): ScratchDirs {
  let root = '';
  let n = 0;
  beforeAll(async () => {
    registerGradients();
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  return { root: () => root, freshDir: () => join(root, `m${n++}`) };
}

/** The weights file a save wrote: named by content, `weights-<16 hex digits of its SHA-256>.bin`. */
export async function weightsName(dir: string): Promise<string> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const [name] = json.weightsManifest[0].paths;
  expect(name).toMatch(/^weights-[0-9a-f]{16}\.bin$/);
  return name;
}

/** The largest absolute difference between two tensors of the same shape. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
