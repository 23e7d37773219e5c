import { isSteadygradError, registerGradients, type Scalar, type Tensor, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { Optimizer, sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from './callbacks.js';
import { sparseCategoricalCrossentropy } from './losses.js';
import { blobs } from './test-utils/blobs.js';
import { compile, type Trainer } from './trainer.js';

const data = blobs(40, 3, 21); // batch 8 → 5 steps per epoch
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));

const mlp = () =>
  new Sequential(
    [
      new Dense({ units: 5, activation: 'relu', inputShape: [2] }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 4 },
  );

/** The sparse cross-entropy, multiplied by NaN at the listed (0-based) calls: a forced NaN loss and gradient. */
function poisoned(bad: readonly number[]) {
  const base = sparseCategoricalCrossentropy();
  let calls = 0;
  return (yTrue: Tensor, yPred: Tensor): Scalar => {
    const l = base(yTrue, yPred);
    return bad.includes(calls++) ? (tf.mul(l, Number.NaN) as Scalar) : l;
  };
}

const weights = (m: Sequential) => m.parameters.map((p) => Array.from(p.variable.dataSync()));

/** Records the weights after every step (global index). */
function recorder(steps: number, out: number[][][]): Callback<Trainer> {
  let trainer: Trainer | undefined;
  let epoch = 0;
  return {
    setTrainer: (t) => {
      trainer = t;
    },
    onEpochBegin: (e) => {
      epoch = e;
    },
    onBatchEnd: (b) => {
      out[epoch * steps + b] = weights(trainer!.model as Sequential);
    },
  };
}

describe("fit's non-finite guard", () => {
  it("'stop': throws DIVERGED naming epoch and step; weights and optimizer state are those before the bad step", async () => {
    const before = tf.memory().numTensors;
    const m = mlp();
    const opt = new Optimizer(sgd({ learningRate: 0.1, momentum: 0.9 }));
    const trainer = compile(m, { loss: poisoned([7]), optimizer: opt });
    const seen: number[][][] = [];
    const err = await trainer
      .fit(data.x, data.y, {
        epochs: 3,
        batchSize: 8,
        verbose: 0,
        nonFinite: 'stop',
        callbacks: [recorder(5, seen)],
      })
      .catch((e) => e);
    expect(isSteadygradError(err, 'DIVERGED')).toBe(true);
    expect(err.message).toMatch(/NaN or infinite at epoch 1, step 2 \(3 non-finite steps seen\)/);
    // Step 7 (epoch 1, step 2) was bad; training ran to the end of epoch 1 with every update masked.
    expect(seen).toHaveLength(10);
    expect(weights(m)).toEqual(seen[6]);
    expect(seen[9]).toEqual(seen[6]);
    expect(weights(m).flat().every(Number.isFinite)).toBe(true);
    const s = opt.getState();
    for (const t of Object.values(s.tensors))
      expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose(Object.values(s.tensors));
    opt.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'skip': bad steps are not applied, training continues, the epoch logs count them", async () => {
    const run = async (bad: number[]) => {
      const m = mlp();
      const trainer = compile(m, {
        loss: poisoned(bad),
        optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
      });
      const seen: number[][][] = [];
      const h = await trainer.fit(data.x, data.y, {
        epochs: 2,
        batchSize: 8,
        verbose: 0,
        nonFinite: 'skip',
        callbacks: [recorder(5, seen)],
      });
      trainer.dispose();
      const w = weights(m);
      m.dispose();
      return { h, seen, w };
    };
    const before = tf.memory().numTensors;
    const { h, seen, w } = await run([2, 3]);
    expect(seen[2]).toEqual(seen[1]);
    expect(seen[3]).toEqual(seen[1]);
    expect(seen[4]).not.toEqual(seen[1]);
    expect(w.flat().every(Number.isFinite)).toBe(true);
    expect(h.history.nonfinite_steps).toEqual([2, Number.NaN]);
    expect(h.history.loss!.every(Number.isFinite)).toBe(true);
    const clean = await run([]);
    expect(clean.h.history.nonfinite_steps).toBeUndefined();
    // Without bad steps the guard changes nothing: bit-identical to an unguarded run.
    const m = mlp();
    const plain = compile(m, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }),
    });
    await plain.fit(data.x, data.y, { epochs: 2, batchSize: 8, verbose: 0 });
    expect(weights(m)).toEqual(clean.w);
    plain.dispose();
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("'ignore' (default) lets the NaN into the weights, as Keras and PyTorch do; a bad mode is rejected", async () => {
    const m = mlp();
    const trainer = compile(m, { loss: poisoned([1]), optimizer: sgd({ learningRate: 0.1 }) });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 8, verbose: 0 });
    expect(weights(m).flat().some(Number.isNaN)).toBe(true);
    const err = await trainer.fit(data.x, data.y, { nonFinite: 'halt' as never, verbose: 0 }).catch((e) => e);
    expect(isSteadygradError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(err.message).toMatch(/nonFinite must be one of 'stop', 'skip', 'ignore'/);
    trainer.dispose();
    m.dispose();
  });
});
