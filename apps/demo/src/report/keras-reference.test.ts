import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError } from '@steadygrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkKerasReference, kerasReferencePath, readKerasReference } from './keras-reference.js';
import { repositoryRoot } from './report-args.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-keras-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const valid = {
  experiment: 'bn',
  profile: 'quick',
  metrics: { 'plain.testAccuracy': { values: [0.86, null], seeds: [42, 43] } },
  curves: { 'bn.valAccuracy': { x: [1, 2], series: { plain: [0.8, null] } } },
};
const corrupt = async (data: unknown) => {
  try {
    checkKerasReference(data, 'f.json');
  } catch (e) {
    expect(isSteadygradError(e, 'CORRUPT_DATA')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected CORRUPT_DATA');
};

describe('Keras 3 references', () => {
  it('reads a reference file; a missing one is undefined', async () => {
    await writeFile(kerasReferencePath(dir, 'bn', 'quick'), JSON.stringify(valid));
    expect(await readKerasReference(dir, 'bn', 'quick')).toEqual(valid);
    expect(await readKerasReference(dir, 'bn', 'notebook')).toBeUndefined();
  });

  it('names the first wrong field of a malformed file', async () => {
    expect(await corrupt([])).toBe('Keras reference f.json: not a JSON object');
    expect(await corrupt({ ...valid, profile: 1 })).toBe(
      "Keras reference f.json: 'profile' must be a string",
    );
    expect(await corrupt({ ...valid, metrics: { a: { values: [] } } })).toBe(
      "Keras reference f.json: metrics['a'].values must be a non-empty array of numbers (or nulls)",
    );
    expect(await corrupt({ ...valid, curves: { c: { x: [1], series: { s: ['1'] } } } })).toBe(
      "Keras reference f.json: curves['c'].series['s'] must be an array of numbers (or nulls)",
    );
  });

  it('a file that is not JSON, or names another experiment, is CORRUPT_DATA', async () => {
    await writeFile(kerasReferencePath(dir, 'mlp', 'quick'), '{');
    await expect(readKerasReference(dir, 'mlp', 'quick')).rejects.toThrow(/is not valid JSON/);
    await writeFile(kerasReferencePath(dir, 'transfer', 'quick'), JSON.stringify(valid));
    await expect(readKerasReference(dir, 'transfer', 'quick')).rejects.toThrow(
      "says experiment 'bn', profile 'quick'; expected 'transfer', 'quick'",
    );
  });

  it('every committed reference passes the check', async () => {
    const keras = join(repositoryRoot(), 'tooling', 'reference', 'keras');
    const files = (await readdir(keras)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const [name, profile] = f.split('.') as [string, string];
      const ref = await readKerasReference(keras, name, profile);
      expect(Object.keys(ref?.metrics ?? {}).length, f).toBeGreaterThan(0);
    }
    expect((await readKerasReference(keras, 'summary', 'notebook'))?.metrics.totalParams?.values).toEqual([
      271346,
    ]);
  });
});
