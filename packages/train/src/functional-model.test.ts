import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, tf } from '@steadygrad/core';
import { Add, Concatenate, Dense, input, Model, Sequential } from '@steadygrad/nn';
import { adam, sgd } from '@steadygrad/optim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from './callbacks.js';
import type { FitOptions } from './fit-options.js';
import { reduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { expectSameAcrossBatchSizes } from './test-utils/batch-invariance.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

const data = blobs(44, 3, 11); // 44 samples, batch 8 → 6 steps per epoch
const dirs: string[] = [];
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Two branches from the input, joined by Concatenate, a residual Add, then the head. */
function branchy(seed = 5): Model {
  const x = input({ shape: [2], name: 'features' });
  const a = new Dense({ units: 4, activation: 'relu', name: 'left' }).apply(x);
  const b = new Dense({ units: 4, activation: 'tanh', name: 'right' }).apply(x);
  const joined = new Concatenate({ name: 'join' }).apply([a, b]);
  const mixed = new Dense({ units: 8, activation: 'relu', name: 'mix' }).apply(joined);
  const res = new Add({ name: 'residual' }).apply([joined, mixed]);
  const y = new Dense({ units: 3, activation: 'softmax', name: 'head' }).apply(res);
  return new Model({ inputs: x, outputs: y, seed, name: 'branchy' });
}

const weights = (m: { parameters: readonly { variable: tf.Tensor }[] }) =>
  m.parameters.map((p) => Array.from(p.variable.dataSync()));

const crashAt = (globalStep: number, steps: number): Callback =>
  ({
    epoch: 0,
    onEpochBegin(e: number) {
      (this as { epoch: number }).epoch = e;
    },
    onBatchEnd(batch: number) {
      if ((this as { epoch: number }).epoch * steps + batch === globalStep) throw new Error('crash');
    },
  }) as Callback;

describe('fit, evaluate and predict on a functional Model', () => {
  it('a chain trains bit-identically to the Sequential of the same layers and seed', async () => {
    const before = tf.memory().numTensors;
    const x = input({ shape: [2] });
    const y = new Dense({ units: 3, activation: 'softmax' }).apply(
      new Dense({ units: 6, activation: 'relu' }).apply(x),
    );
    const functional = new Model({ inputs: x, outputs: y, seed: 3 });
    const sequential = new Sequential(
      [
        new Dense({ units: 6, activation: 'relu', inputShape: [2] }),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      { seed: 3 },
    );
    const opts: FitOptions = { epochs: 2, batchSize: 8, seed: 1, verbose: 0 };
    const tf1 = compile(functional, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      metrics: ['accuracy'],
    });
    const ts = compile(sequential, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      metrics: ['accuracy'],
    });
    const h1 = await tf1.fit(data.x, data.y, opts);
    const hs = await ts.fit(data.x, data.y, opts);
    expect(h1.history).toEqual(hs.history);
    expect(weights(functional)).toEqual(weights(sequential));
    tf1.dispose();
    ts.dispose();
    functional.dispose();
    sequential.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a branching model learns the blobs, evaluates and predicts, and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const model = branchy();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: adam({ learningRate: 0.05 }),
      metrics: ['accuracy'],
    });
    const first = await trainer.evaluate(data.x, data.y);
    const history = await trainer.fit(data.x, data.y, { epochs: 8, batchSize: 8, seed: 2, verbose: 0 });
    const logs = await trainer.evaluate(data.x, data.y);
    expect(history.history.loss?.length).toBe(8);
    expect(logs.loss as number).toBeLessThan(first.loss as number);
    expect(logs.accuracy as number).toBeGreaterThan(0.8);
    const probs = trainer.predict(data.x, { batchSize: 16 });
    expect(probs.shape).toEqual([44, 3]);
    const direct = model.predict(data.x, { batchSize: 10 });
    expectSameAcrossBatchSizes(direct.dataSync(), probs.dataSync());
    tf.dispose([probs, direct]);
    trainer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run interrupted and resumed from its checkpoint is bit-identical to the uninterrupted run', async () => {
    const opts: FitOptions = { epochs: 3, batchSize: 8, seed: 9, verbose: 0 };
    const before = tf.memory().numTensors;
    const setup = () => {
      const m = branchy();
      const trainer = compile(m, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: adam({ learningRate: 0.02 }),
        metrics: ['accuracy'],
      });
      const callbacks = [reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 0.05 })];
      return { m, trainer, callbacks };
    };
    const full = setup();
    const hFull = await full.trainer.fit(data.x, data.y, { ...opts, callbacks: full.callbacks });
    const expected = weights(full.m);
    for (const crash of [4, 10]) {
      const dir = await mkdtemp(join(tmpdir(), 'sg-functional-'));
      dirs.push(dir);
      const a = setup();
      const err = await a.trainer
        .fit(data.x, data.y, {
          ...opts,
          callbacks: [...a.callbacks, crashAt(crash, 6) as never],
          checkpoint: { dir, every: 3 },
        })
        .catch((e) => e);
      expect(String(err)).toMatch(/crash/);
      a.trainer.dispose();
      a.m.dispose();
      const b = setup();
      const h = await b.trainer.fit(data.x, data.y, {
        ...opts,
        callbacks: b.callbacks,
        resumeFrom: dir,
        checkpoint: { dir, every: 3 },
      });
      expect(weights(b.m), `crash after step ${crash}`).toEqual(expected);
      expect(h.history).toEqual(hFull.history);
      b.trainer.dispose();
      b.m.dispose();
    }
    full.trainer.dispose();
    full.m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
