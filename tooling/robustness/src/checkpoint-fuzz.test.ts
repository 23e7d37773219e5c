// Issue 20: semantic fuzzing of checkpoints. A seeded fuzzer takes a valid mid-epoch checkpoint and changes
// one place in its training metadata (types, ranges, shapes, structures, sizes), re-hashing the file so that
// it stays well-formed and passes its checksums. Every resume must either be rejected with a typed error
// (CORRUPT_DATA or INCOMPATIBLE) leaving weights, optimizer state, files and live tensors untouched, or
// go through (a change that is still valid, e.g. another loss value in the history) — never a TypeError,
// a RangeError, a hang or a leak.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStream, registerGradients, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { earlyStopping, readCheckpoint } from '@steadygrad/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  filesSnapshot,
  fitRun,
  rewriteMeta,
  stateSnapshot,
  threeClassData,
  threeClassModel,
  trainerFor,
} from './checkpoint-fixture.js';

const TRIALS = 80;
let x: Tensor;
let y: Tensor;
let root: string;
let source: string;
let base: unknown;

const stopper = () => earlyStopping({ monitor: 'loss', patience: 5, restoreBestWeights: true });

beforeAll(async () => {
  registerGradients();
  ({ x, y } = threeClassData());
  root = mkdtempSync(join(tmpdir(), 'sg-ckpt-fuzz-'));
  source = join(root, 'source');
  const m = threeClassModel();
  const t = trainerFor(m);
  await fitRun(t, x, y, { epochs: 2, checkpoint: { dir: source, every: 5 }, callbacks: [stopper()] });
  t.dispose();
  m.dispose();
  writeFileSync(join(source, 'latest'), 'ckpt-00000002\n'); // epoch 1, step 2: every field is in use
  base = (await readCheckpoint(source)).meta;
});
afterAll(() => {
  tf.dispose([x, y]);
  rmSync(root, { recursive: true, force: true });
});

type Path = (string | number)[];

/** Every place in the metadata (containers included), as paths from the root. */
function places(v: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (path.length > 0) out.push(path);
  if (Array.isArray(v)) {
    for (const [i, c] of v.entries()) places(c, [...path, i], out);
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, c] of Object.entries(v)) places(c, [...path, k], out);
  }
  return out;
}

const MUTATIONS: readonly [string, (old: unknown) => unknown][] = [
  ['a string', () => 'x'],
  ['-1', () => -1],
  ['NaN', () => Number.NaN],
  ['Infinity', () => Number.POSITIVE_INFINITY],
  ['1e12', () => 1e12],
  ['0.5', () => 0.5],
  ['null', () => null],
  ['true', () => true],
  ['[]', () => []],
  ['{}', () => ({})],
  ['a huge shape', () => [1e6, 1e6]],
  [
    'the value doubled',
    (old) => (typeof old === 'number' ? old * 2 : Array.isArray(old) ? [...old, ...old] : old),
  ],
  ['deleted', () => undefined],
];

describe('semantic checkpoint fuzzing (issue 20)', () => {
  it(`${TRIALS} seeded mutations: rejected cleanly or accepted, never a raw error or a leak`, async () => {
    const rng = new RandomStream(20);
    const all = places(base);
    let rejected = 0;
    const codes = new Set<string>();
    for (let trial = 0; trial < TRIALS; trial++) {
      const path = all[rng.int(all.length)]!;
      const [what, mutate] = MUTATIONS[rng.int(MUTATIONS.length)]!;
      const dir = join(root, `trial-${trial}`);
      cpSync(source, dir, { recursive: true });
      rewriteMeta(dir, (meta) => {
        let parent: Record<string | number, unknown> = meta;
        for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
        const last = path.at(-1)!;
        const next = mutate(parent[last]);
        if (next === undefined && !Array.isArray(parent)) delete parent[last];
        else parent[last] = next === undefined ? null : next;
      });
      const label = `trial ${trial}: ${path.join('.')} ← ${what}`;
      const tensors = tf.memory().numTensors;
      const model = threeClassModel(99);
      const trainer = trainerFor(model);
      const state = stateSnapshot(trainer);
      const files = filesSnapshot(dir);
      const inside = tf.memory().numTensors;
      let error: unknown;
      try {
        await fitRun(trainer, x, y, { epochs: 3, resumeFrom: dir, callbacks: [stopper()] });
      } catch (e) {
        error = e;
      }
      if (error !== undefined) {
        expect(error, `${label}: ${String(error)}`).toBeInstanceOf(SteadygradError);
        const code = (error as SteadygradError).code;
        expect(['CORRUPT_DATA', 'INCOMPATIBLE'], `${label}: ${code} ${(error as Error).message}`).toContain(
          code,
        );
        expect(stateSnapshot(trainer), label).toBe(state);
        expect(filesSnapshot(dir), label).toBe(files);
        expect(tf.memory().numTensors, label).toBe(inside);
        rejected++;
        codes.add(code);
      }
      trainer.dispose();
      model.dispose();
      expect(tf.memory().numTensors, `${label}: leak`).toBe(tensors);
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      `checkpoint fuzz: ${TRIALS} mutations, ${rejected} rejected (${[...codes].sort().join(', ')}), ${TRIALS - rejected} still valid and resumed`,
    );
    expect(rejected).toBeGreaterThanOrEqual(TRIALS / 2);
    expect([...codes].sort()).toEqual(['CORRUPT_DATA', 'INCOMPATIBLE']);
    expect(readFileSync(join(source, 'latest'), 'utf8')).toBe('ckpt-00000002\n');
  });
});
