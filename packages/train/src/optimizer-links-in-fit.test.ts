// The optax-style chain links of @steadygrad/optim (applyIfFinite, projection) inside fit: they train,
// checkpoints record them (a resume with another chain is refused) and a resumed run is bit-identical.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isSteadygradError,
  type Params,
  registerGradients,
  type Scalar,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { adam, applyIfFinite, chain, projection, sgd } from '@steadygrad/optim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from './callbacks.js';
import type { FitOptions } from './fit-options.js';
import { sparseCategoricalCrossentropy } from './losses.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

const data = blobs(44, 3, 11); // batch 8 → 6 steps per epoch
const dirs: string[] = [];
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function model(): Sequential {
  return new Sequential(
    [
      new Dense({ units: 6, activation: 'relu', inputShape: [2] }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 5 },
  );
}

const weights = (m: Sequential) => m.parameters.map((p) => Array.from(p.variable.dataSync()));

/** Each column of the first kernel scaled to L2 norm <= 1 (Keras MaxNorm(1) over axis 0, without its epsilon). */
const maxNormColumns = (p: Params): Params => {
  const k = p['dense/kernel']!;
  const norms = tf.sqrt(tf.sum(tf.square(k), 0, true));
  return { 'dense/kernel': tf.mul(k, tf.div(tf.minimum(norms, 1), tf.maximum(norms, 1e-12))) };
};

describe('optimizer chain links in fit', () => {
  it('applyIfFinite skips the step whose loss gradient is NaN; the other steps train as usual', async () => {
    const m = model();
    m.build();
    let calls = 0;
    const ce = sparseCategoricalCrossentropy();
    const nanAtThird = (yTrue: Tensor, yPred: Tensor): Scalar => {
      calls += 1;
      const l = ce(yTrue, yPred);
      return (calls === 3 ? tf.mul(l, Number.NaN) : l) as Scalar;
    };
    const trainer = compile(m, { loss: nanAtThird, optimizer: applyIfFinite(adam({ learningRate: 0.02 })) });
    const seen: number[][][] = [];
    const record: Callback = { onBatchEnd: () => void seen.push(weights(m)) };
    const before = tf.memory().numTensors;
    await trainer.fit(data.x, data.y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [record] });
    expect(seen).toHaveLength(12);
    expect(seen[2]).toEqual(seen[1]); // the NaN step (the third) changed nothing
    expect(seen[3]).not.toEqual(seen[2]);
    expect(seen.flat(2).every(Number.isFinite)).toBe(true);
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before); // the optimizer state and the counters are freed
    m.dispose();
  });

  it('a projection link keeps the constrained kernel on its set after every step', async () => {
    const m = model();
    const trainer = compile(m, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: chain(sgd({ learningRate: 0.5 }), projection(maxNormColumns)),
    });
    m.build();
    const before = tf.memory().numTensors;
    const norms: number[][] = [];
    const record: Callback = {
      onBatchEnd: () => {
        const k = m.trainableParameters.find((p) => p.name === 'dense/kernel')!.variable;
        norms.push(tf.tidy(() => Array.from(tf.sqrt(tf.sum(tf.square(k), 0)).dataSync())));
      },
    };
    await trainer.fit(data.x, data.y, { epochs: 2, batchSize: 8, verbose: 0, callbacks: [record] });
    expect(norms).toHaveLength(12);
    for (const step of norms) for (const n of step) expect(n).toBeLessThanOrEqual(1 + 1e-6);
    expect(Math.max(...norms.flat())).toBeGreaterThan(0.999); // the constraint was active
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('checkpoints record the links: a resume is bit-identical, a resume with another chain is INCOMPATIBLE', async () => {
    const tx = () => applyIfFinite(chain(adam({ learningRate: 0.02 }), projection(maxNormColumns)));
    const opts: FitOptions = { epochs: 3, batchSize: 8, seed: 9, verbose: 0 };
    const before = tf.memory().numTensors;
    const full = model();
    const fullTrainer = compile(full, { loss: 'sparse_categorical_crossentropy', optimizer: tx() });
    await fullTrainer.fit(data.x, data.y, opts);
    const dir = await mkdtemp(join(tmpdir(), 'sg-links-'));
    dirs.push(dir);
    const a = model();
    const aTrainer = compile(a, { loss: 'sparse_categorical_crossentropy', optimizer: tx() });
    let step = 0;
    const crashAt7: Callback = {
      onBatchEnd() {
        step += 1;
        if (step === 7) throw new Error('crash');
      },
    };
    const crash = await aTrainer
      .fit(data.x, data.y, { ...opts, callbacks: [crashAt7], checkpoint: { dir, every: 3 } })
      .catch((e: unknown) => e);
    expect(String(crash)).toMatch(/crash/);
    const other = model();
    const otherTrainer = compile(other, { loss: 'sparse_categorical_crossentropy', optimizer: adam() });
    const err = await otherTrainer.fit(data.x, data.y, { ...opts, resumeFrom: dir }).catch((e: unknown) => e);
    expect(isSteadygradError(err, 'INCOMPATIBLE')).toBe(true);
    expect(String((err as Error).message)).toMatch(/applyIfFinite/);
    const b = model();
    const bTrainer = compile(b, { loss: 'sparse_categorical_crossentropy', optimizer: tx() });
    await bTrainer.fit(data.x, data.y, { ...opts, resumeFrom: dir });
    expect(weights(b)).toEqual(weights(full));
    for (const t of [fullTrainer, aTrainer, otherTrainer, bTrainer]) t.dispose();
    for (const x of [full, a, other, b]) x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
