// Issue 20, item 6: saveLayersModel over an existing model is atomic for the pair (model.json + weights).
// A child process saves two models alternately into one folder and is killed with SIGKILL at a random
// moment; the folder must then always load as one of the two, bit for bit, and the next save leaves exactly
// model.json and its weights file (the killed save's temporary and orphaned files are cleaned up).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RandomStream, tf } from '@steadygrad/core';
import { loadLayersModel, saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const child = join(dirname(fileURLToPath(import.meta.url)), 'children', 'save-model-loop.mjs');
const TRIALS = 50;
const PARALLEL = 5;
const SEED_A = 11;
const SEED_B = 12;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'steadygrad-model-sigkill-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function make(seed: number): Sequential {
  const m = new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new Dense({ units: 128, activation: 'relu' }),
      new Dense({ units: 10 }),
    ],
    { seed },
  );
  m.build();
  return m;
}
const bits = (m: Sequential) =>
  m.parameters.map((p) => Buffer.from(p.variable.dataSync().buffer).toString('base64'));

/** Starts the saving child, waits until it saves, lets it run `delayMs`, then SIGKILLs it. */
function killDuringSaves(dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, dir, String(SEED_A), String(SEED_B)], {
      cwd: dirname(child),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.stdout.once('data', () => setTimeout(() => p.kill('SIGKILL'), delayMs));
    p.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited ${code}: ${err.slice(-500)}`)),
    );
  });
}

describe('SIGKILL during saveLayersModel over an existing model', () => {
  it(`the previous or the new model always loads, bit for bit (${TRIALS} trials)`, async () => {
    const a = make(SEED_A);
    const b = make(SEED_B);
    const expected = { a: bits(a).join(), b: bits(b).join() };
    const rng = new RandomStream(20);
    // Kill moments spread over the child's first ~40 saves (the first save starts at the 'saving' line).
    const delays = Array.from({ length: TRIALS }, () => Math.floor(rng.uniform() * 400));
    const seen = { a: 0, b: 0 };
    let interrupted = 0;
    const before = tf.memory().numTensors;
    for (let start = 0; start < TRIALS; start += PARALLEL) {
      const batch = delays.slice(start, start + PARALLEL).map(async (delay, k) => {
        const dir = join(root, `t${start + k}`);
        await saveLayersModel(a, dir);
        await killDuringSaves(dir, delay);
        return dir;
      });
      for (const dir of await Promise.all(batch)) {
        // Leftovers (a temporary file, or two weights files) show the kill landed inside a save.
        if (readdirSync(dir).length > 2) interrupted++;
        const loaded = await loadLayersModel(dir);
        const got = bits(loaded).join();
        loaded.dispose();
        const which = got === expected.a ? 'a' : got === expected.b ? 'b' : undefined;
        expect(which, `${dir}: neither model`).toBeDefined();
        seen[which as 'a' | 'b']++;
        // The next save cleans what the killed one left: exactly model.json and its weights remain.
        const saved = await saveLayersModel(b, dir);
        expect(readdirSync(dir).sort()).toEqual(['model.json', saved.weightsPath.slice(dir.length + 1)]);
        rmSync(dir, { recursive: true, force: true });
      }
    }
    // Both outcomes happen: the kills land before and after the switch of model.json.
    expect(seen.a).toBeGreaterThan(0);
    expect(seen.b).toBeGreaterThan(0);
    expect(seen.a + seen.b).toBe(TRIALS);
    expect(interrupted).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
  }, 180_000);
});
