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
import { type Container, Dense, Flatten, Sequential } from '@steadygrad/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const child = join(dirname(fileURLToPath(import.meta.url)), 'children', 'save-model-loop.mjs');
const TRIALS = 50;
/** Children starting while one saves. */
const AHEAD = 2;
const SEED_A = 11;
const SEED_B = 12;

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'steadygrad-model-sigkill-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * The two models differ in size (128 or 64 hidden units), so that a new weights file beside the old model.json
 * — what a kill between two fixed-name renames left — cannot pass for either model: it fails to load.
 */
function make(seed: number): Sequential {
  const m = new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new Dense({ units: seed === SEED_A ? 128 : 64, activation: 'relu' }),
      new Dense({ units: 10 }),
    ],
    { seed },
  );
  m.build();
  return m;
}
const bits = (m: Container) =>
  m.parameters.map((p) => Buffer.from(p.variable.dataSync().buffer).toString('base64'));

/** A saving child: `ready` once it has started saving; `kill()` SIGKILLs it and resolves when it is gone. */
interface Saver {
  readonly ready: Promise<void>;
  kill(): Promise<void>;
}

/** Starts the child that saves the two models alternately into `dir`, over and over. */
function startSaver(dir: string): Saver {
  const p = spawn(process.execPath, [child, dir, String(SEED_A), String(SEED_B)], {
    cwd: dirname(child),
    // stdin stays open while the parent lives: the child exits when it closes (no orphan saver).
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr.on('data', (d) => {
    err += d;
  });
  let killed = false;
  const exited = new Promise<void>((resolve, reject) =>
    p.on('exit', (code, signal) =>
      killed && signal === 'SIGKILL'
        ? resolve()
        : reject(new Error(`child exited ${code} (${signal}): ${err.slice(-500)}`)),
    ),
  );
  const ready = new Promise<void>((resolve, reject) => {
    p.stdout.once('data', () => resolve());
    exited.catch(reject);
  });
  return {
    ready,
    kill: () => {
      killed = true;
      p.kill('SIGKILL');
      return exited;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SIGKILL during saveLayersModel over an existing model', () => {
  it(`the previous or the new model always loads, bit for bit (${TRIALS} trials)`, async () => {
    const started = performance.now();
    const a = make(SEED_A);
    const b = make(SEED_B);
    const expected = { a: bits(a).join(), b: bits(b).join() };
    const rng = new RandomStream(20);
    // Kill moments spread over the child's first saves (its first save starts at its 'saving' line).
    const delays = Array.from({ length: TRIALS }, () => Math.floor(rng.uniform() * 300));
    const seen = { a: 0, b: 0 };
    let interrupted = 0;
    const before = tf.memory().numTensors;
    const dirOf = (k: number) => join(root, `t${k}`);
    // One saver at work at a time; the next ones start (Node and the packages load) while this one saves,
    // is killed and its folder is checked, so that a trial costs less than one child's start-up.
    const prepare = async (k: number): Promise<Saver> => {
      await saveLayersModel(a, dirOf(k));
      return startSaver(dirOf(k));
    };
    const pending = Array.from({ length: AHEAD }, (_, k) => prepare(k));
    for (let k = 0; k < TRIALS; k++) {
      const saver = (await pending.shift()) as Saver;
      await saver.ready;
      if (k + AHEAD < TRIALS) pending.push(prepare(k + AHEAD));
      await sleep(delays[k] as number);
      await saver.kill();
      const dir = dirOf(k);
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
    // Both outcomes happen: the kills land before and after the switch of model.json.
    expect(seen.a).toBeGreaterThan(0);
    expect(seen.b).toBeGreaterThan(0);
    expect(seen.a + seen.b).toBe(TRIALS);
    expect(interrupted).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
    b.dispose();
    console.log(
      `saveLayersModel SIGKILL: ${TRIALS} trials in ${((performance.now() - started) / 1000).toFixed(1)} s (previous model ${seen.a}, new model ${seen.b}, ${interrupted} with a save's leftovers)`,
    );
  }, 120_000);
});
