// Shared by the checkpoint-* robustness suites (issue 20): a tiny 3-class run with checkpoints, and snapshots
// proving that a rejected call changed nothing (weights, optimizer state, files, live tensors).
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GradientTransformation, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { adam } from '@steadygrad/optim';
import { compile, type FitOptions, type Trainer } from '@steadygrad/train';
import { expect } from 'vitest';

export function threeClassModel(seed = 7): Sequential {
  const m = new Sequential(
    [
      new Dense({ units: 4, activation: 'relu', inputShape: [2], name: 'hidden' }),
      new Dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
    { seed },
  );
  m.build();
  return m;
}

/** 12 samples, 2 features, labels 0..2 (deterministic). */
export function threeClassData(): { x: Tensor; y: Tensor } {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < 12; i++) {
    xs.push(Math.sin(i * 1.3), Math.cos(i * 0.7));
    ys.push(i % 3);
  }
  return { x: tf.tensor2d(xs, [12, 2]), y: tf.tensor1d(ys, 'int32') };
}

export function trainerFor(
  model: Sequential,
  optimizer: GradientTransformation<unknown> = adam({ learningRate: 0.01 }),
): Trainer {
  return compile(model, { loss: 'sparse_categorical_crossentropy', optimizer, metrics: ['accuracy'] });
}

/** `fit` through a named helper (biome's focused-test rule mistakes `trainer.fit(` for jasmine's `fit`). */
export function fitRun(t: Trainer, x: Tensor, y: Tensor, options: FitOptions) {
  return t.fit(x, y, { batchSize: 4, verbose: 0, seed: 1, ...options });
}

/** Every weight and the optimizer's whole state (meta and tensor values), as one string. */
export function stateSnapshot(t: Trainer): string {
  const weights = (t.model.parameters ?? t.model.trainableParameters).map((p) => [
    p.name,
    Array.from(p.variable.dataSync()),
  ]);
  let optimizer: unknown = null;
  const get = t.optimizer.getState;
  if (get !== undefined) {
    const s = get.call(t.optimizer);
    optimizer = {
      meta: s.meta,
      tensors: Object.entries(s.tensors).map(([k, v]) => [k, v.dtype, v.shape, Array.from(v.dataSync())]),
    };
    tf.dispose(Object.values(s.tensors));
  }
  return JSON.stringify({ weights, optimizer, iterations: t.optimizer.iterations });
}

/** Every entry under `dir`: kind, and the bytes of regular files / the target of links. */
export function filesSnapshot(dir: string): string {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = lstatSync(p);
      const r = `${rel}${n}`;
      if (st.isSymbolicLink()) out.push(`${r} -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(p, `${r}/`);
      } else if (st.isFile()) out.push(`${r}: ${readFileSync(p).toString('base64')}`);
      else out.push(`${r}: special`);
    }
  };
  walk(dir, '');
  return out.join('\n');
}

/**
 * Runs `call`, expects a SteadygradError with `code`, and checks that the trainer's weights and optimizer
 * state, the files under `dir` and the number of live tensors are exactly as before. Returns the error.
 */
export async function expectRejectedUnchanged(
  t: Trainer,
  dir: string | undefined,
  call: () => unknown,
  code: string,
): Promise<SteadygradError> {
  const state = stateSnapshot(t);
  const files = dir === undefined ? '' : filesSnapshot(dir);
  const tensors = tf.memory().numTensors;
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error, 'expected a SteadygradError').toBeInstanceOf(SteadygradError);
  const e = error as SteadygradError;
  expect(e.code, e.message).toBe(code);
  expect(tf.memory().numTensors, 'live tensors').toBe(tensors);
  expect(stateSnapshot(t), 'weights and optimizer state').toBe(state);
  if (dir !== undefined) expect(filesSnapshot(dir), 'files').toBe(files);
  return e;
}

const nonFinite = (_k: string, v: unknown) =>
  typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v;

/**
 * Rewrites the training metadata of the latest checkpoint in `dir` and re-hashes it (the checkpoint stays
 * well-formed and passes its checksums: only its meaning is wrong). `edit` may mutate `meta` in place or
 * return a replacement.
 */
export function rewriteMeta(dir: string, edit: (meta: Record<string, unknown>) => unknown): void {
  const name = readFileSync(join(dir, 'latest'), 'utf8').trim();
  const file = join(dir, name, 'checkpoint.json');
  const obj = JSON.parse(readFileSync(file, 'utf8'), (_k, v) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$number') return Number(v.$number);
    }
    return v;
  }) as Record<string, unknown>;
  const { metaSha256: _old, ...body } = obj;
  const meta = body.meta as Record<string, unknown>;
  const replaced = edit(meta);
  if (replaced !== undefined) body.meta = replaced;
  const text = JSON.stringify(body, nonFinite);
  const metaSha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(file, `${JSON.stringify({ ...body, metaSha256 }, nonFinite)}\n`);
}
