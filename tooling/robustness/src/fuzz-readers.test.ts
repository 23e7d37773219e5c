// Issue 12: fuzzed file readers. Seeded property tests (the stream is the generator, so a failure replays):
// random truncations, bit flips and hostile bytes in a checkpoint or a tfjs-layers model never crash the process,
// never hang, and always end in a typed SteadygradError or a valid result — and a failed load leaks no tensor.
// (The IDX reader has its own fuzz suite in @steadygrad/datasets.)
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomStream, SteadygradError, tf } from '@steadygrad/core';
import { loadLayersModel, saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { type HostTensor, readCheckpoint, writeCheckpoint } from '@steadygrad/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CODES = new Set([
  'CORRUPT_DATA',
  'CHECKSUM_MISMATCH',
  'INCOMPATIBLE',
  'NOT_FOUND',
  'IO_ERROR',
  'INVALID_ARGUMENT',
  'SHAPE_MISMATCH',
  'UNKNOWN_NAME',
]);

type Mutation = 'truncate' | 'flip' | 'garbage' | 'huge-number';

/** A damaged copy of `bytes` and a description of the damage (for the failure message). */
function mutate(bytes: Uint8Array, rng: RandomStream): { out: Uint8Array; what: string } {
  const kinds: Mutation[] = ['truncate', 'flip', 'garbage', 'huge-number'];
  const kind = kinds[rng.int(kinds.length)]!;
  const out = Uint8Array.from(bytes);
  if (kind === 'truncate' || bytes.length === 0) {
    const n = rng.int(Math.max(1, bytes.length));
    return { out: out.subarray(0, n), what: `truncated to ${n} bytes` };
  }
  if (kind === 'flip') {
    const flips = 1 + rng.int(4);
    for (let i = 0; i < flips; i++) {
      const at = rng.int(out.length);
      out[at] = out[at]! ^ (1 << rng.int(8));
    }
    return { out, what: `${flips} bit flips` };
  }
  if (kind === 'garbage') {
    const at = rng.int(out.length);
    const n = 1 + rng.int(16);
    for (let i = at; i < Math.min(out.length, at + n); i++) out[i] = rng.int(256);
    return { out, what: `${n} random bytes at ${at}` };
  }
  // a hostile number: replace a digit run in a JSON text by a huge value
  const text = new TextDecoder().decode(out);
  const digits = [...text.matchAll(/\d+/g)];
  if (digits.length === 0) return { out, what: 'unchanged' };
  const m = digits[rng.int(digits.length)]!;
  const huge = ['2147483648', '99999999999999999999', '-1', '1e308', 'NaN'][rng.int(5)]!;
  const replaced = text.slice(0, m.index) + huge + text.slice(m.index! + m[0].length);
  return {
    out: new TextEncoder().encode(replaced),
    what: `number '${m[0]}' at ${m.index} replaced by ${huge}`,
  };
}

function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesIn(p).map((f) => join(name, f)));
    else out.push(name);
  }
  return out.sort();
}

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'steadygrad-fuzz-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('fuzzed checkpoint reader', () => {
  it('damaged checkpoints end in a typed error or an intact result (600 cases)', async () => {
    const clean = join(root, 'ckpt-clean');
    const tensors = new Map<string, HostTensor>([
      ['dense/kernel', { dtype: 'float32', shape: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ['step', { dtype: 'int32', shape: [1], data: Int32Array.from([7]) }],
    ]);
    await writeCheckpoint(clean, { epoch: 2, step: 7, lr: 0.01 }, tensors);
    const files = filesIn(clean);
    const rng = new RandomStream(20261125);
    let typed = 0;
    let intact = 0;
    for (let i = 0; i < 600; i++) {
      const dir = join(root, `ckpt-${i}`);
      cpSync(clean, dir, { recursive: true });
      const file = files[rng.int(files.length)]!;
      const { out, what } = mutate(readFileSync(join(dir, file)), rng);
      writeFileSync(join(dir, file), out);
      try {
        const r = await readCheckpoint(dir);
        // Accepted only if what was read is exactly what was written (the damage missed what matters).
        expect(Array.from(r.tensors.get('dense/kernel')!.data), `${file}: ${what}`).toEqual([
          1, 2, 3, 4, 5, 6,
        ]);
        expect(Array.from(r.tensors.get('step')!.data)).toEqual([7]);
        expect(r.meta).toEqual({ epoch: 2, step: 7, lr: 0.01 });
        intact++;
      } catch (e) {
        expect(e, `${file}: ${what}: ${String(e)}`).toBeInstanceOf(SteadygradError);
        expect(CODES.has((e as SteadygradError).code), (e as SteadygradError).code).toBe(true);
        typed++;
      }
      rmSync(dir, { recursive: true, force: true });
    }
    expect(typed + intact).toBe(600);
    expect(typed).toBeGreaterThan(300);
  });
});

describe('fuzzed model-format loader', () => {
  it('damaged model.json / weights.bin end in a typed error or a model, never a leak (400 cases)', async () => {
    const clean = join(root, 'model-clean');
    const model = new Sequential(
      [
        new Flatten({ inputShape: [2, 2] }),
        new BatchNormalization(),
        new Dense({ units: 3, activation: 'relu' }),
      ],
      { seed: 1 },
    );
    await saveLayersModel(model, clean);
    model.dispose();
    const files = filesIn(clean);
    const rng = new RandomStream(7);
    let typed = 0;
    for (let i = 0; i < 400; i++) {
      const dir = join(root, `model-${i}`);
      cpSync(clean, dir, { recursive: true });
      const file = files[rng.int(files.length)]!;
      const { out, what } = mutate(readFileSync(join(dir, file)), rng);
      writeFileSync(join(dir, file), out);
      const before = tf.memory().numTensors;
      try {
        const loaded = await loadLayersModel(dir);
        // A model that loads is a usable model.
        const y = tf.tidy(() => loaded.apply(tf.ones([1, 2, 2])));
        expect(y.shape, `${file}: ${what}`).toEqual([1, 3]);
        y.dispose();
        loaded.dispose();
      } catch (e) {
        expect(e, `${file}: ${what}: ${String(e)}`).toBeInstanceOf(SteadygradError);
        expect(CODES.has((e as SteadygradError).code), (e as SteadygradError).code).toBe(true);
        typed++;
      }
      expect(tf.memory().numTensors, `${file}: ${what}`).toBe(before);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(typed).toBeGreaterThan(100);
  });
});
