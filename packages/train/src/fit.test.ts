// fit: learning, reproducibility, read-backs, history vs evaluate (split from the trainer tests).
import { arraySource, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Callback } from './callbacks.js';
import { expectSameAcrossBatchSizes } from './test-utils/batch-invariance.js';
import { blobs } from './test-utils/blobs.js';
import { PlainSgd } from './test-utils/plain-sgd.js';
import { mlp, NoiseLayer, weightsOf } from './test-utils/trainer-fixtures.js';
import { compile } from './trainer.js';

const data = blobs(96, 3, 42);
const valid = blobs(30, 3, 43);

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  tf.dispose([data.x, data.y, valid.x, valid.y]);
});

describe('fit', () => {
  it('learns a separable 3-class problem and leaves no tensors behind', async () => {
    const model = mlp();
    model.build();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
      metrics: ['accuracy'],
    });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 }); // creates optimizer state
    const before = tf.memory().numTensors;
    const history = await trainer.fit(data.x, data.y, {
      epochs: 20,
      batchSize: 16,
      validationData: [valid.x, valid.y],
      verbose: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.epoch).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Object.keys(history.history).sort()).toEqual([
      'accuracy',
      'loss',
      'lr',
      'val_accuracy',
      'val_loss',
    ]);
    expect(history.history.lr!.every((lr) => Math.abs(lr - 0.1) < 1e-12)).toBe(true);
    expect(history.history.loss![19]!).toBeLessThan(history.history.loss![0]! / 3);
    expect(history.history.accuracy![19]!).toBeGreaterThanOrEqual(0.95);
    expect(history.history.val_accuracy![19]!).toBeGreaterThanOrEqual(0.95);
    expect(trainer.history).toBe(history);

    const beforeEval = tf.memory().numTensors;
    const result = await trainer.evaluate(valid.x, valid.y, { batchSize: 7 });
    expect(tf.memory().numTensors).toBe(beforeEval);
    expect(Object.keys(result).sort()).toEqual(['accuracy', 'loss']);
    // Validation logs are computed by the same routine as evaluate: equal up to batch grouping (7 vs 16).
    expect(result.loss).toBeCloseTo(history.history.val_loss![19]!, 5);
    expect(result.accuracy).toBe(history.history.val_accuracy![19]);

    const beforePredict = tf.memory().numTensors;
    const probs = trainer.predict(valid.x, { batchSize: 7 });
    expect(probs.shape).toEqual([30, 3]);
    const whole = model.apply(valid.x);
    expectSameAcrossBatchSizes(probs.dataSync(), whole.dataSync());
    tf.dispose([probs, whole]);
    expect(tf.memory().numTensors).toBe(beforePredict);
    model.dispose();
  });

  it('is bit-for-bit reproducible for a given seed on the cpu backend (shuffling and layer randomness)', async () => {
    const run = async (seed: number): Promise<number[][]> => {
      const noise = new NoiseLayer();
      const model = new Sequential(
        [
          new Dense({ units: 8, activation: 'relu', inputShape: [2] }),
          noise,
          new Dense({ units: 3, activation: 'softmax' }),
        ],
        { seed: 3 },
      );
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
      });
      await trainer.fit(data.x, data.y, { epochs: 3, batchSize: 10, seed, verbose: 0 });
      expect(noise.draws).toBe(30);
      const w = weightsOf(model);
      model.dispose();
      return w;
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('resuming at initialEpoch replays the same epochs as an uninterrupted run', async () => {
    const make = () => mlp(8);
    const full = make();
    const fullTrainer = compile(full, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    await fullTrainer.fit(data.x, data.y, { epochs: 3, batchSize: 10, seed: 5, verbose: 0 });
    const resumed = make();
    const t = compile(resumed, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    await t.fit(data.x, data.y, { epochs: 1, batchSize: 10, seed: 5, verbose: 0 });
    const h = await t.fit(data.x, data.y, { epochs: 3, initialEpoch: 1, batchSize: 10, seed: 5, verbose: 0 });
    expect(h.epoch).toEqual([1, 2]);
    expect(weightsOf(resumed)).toEqual(weightsOf(full)); // plain SGD has no state to carry over
    full.dispose();
    resumed.dispose();
  });

  it('reads nothing back from the device per step (one read per epoch without batch-log readers)', async () => {
    const model = mlp();
    model.build();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: new PlainSgd(0.1),
      metrics: ['accuracy'],
    });
    const x = arraySource(data.xValues, [2]);
    const y = arraySource(data.yValues, [], { dtype: 'int32' });
    const proto = tf.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const syncSpy = vi.spyOn(proto, 'dataSync' as never);
    const asyncSpy = vi.spyOn(proto, 'data' as never);
    const arraySpy = vi.spyOn(proto, 'arraySync' as never);
    try {
      const counter: Callback = { onBatchEnd: () => {} }; // listens, but reads no metric
      await trainer.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [counter] }); // 36 steps
      expect(syncSpy.mock.calls.length + arraySpy.mock.calls.length).toBe(0);
      expect(asyncSpy.mock.calls.length).toBe(3); // one read of the accumulated sums per epoch
    } finally {
      vi.restoreAllMocks();
    }
    model.dispose();
  });

  it('history loss and metrics equal what evaluate reports for the same data and weights', async () => {
    const model = mlp(5);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0 }),
      metrics: ['accuracy'],
    });
    const history = await trainer.fit(data.x, data.y, {
      epochs: 1,
      batchSize: 16,
      shuffle: false,
      verbose: 0,
    });
    const evaluated = await trainer.evaluate(data.x, data.y, { batchSize: 16 });
    expect(history.history.loss![0]).toBe(evaluated.loss);
    expect(history.history.accuracy![0]).toBe(evaluated.accuracy);
    model.dispose();
  });
});
