// fit and the model/optimizer: penalties, freezing and constraints, data types, dispose, Optimizer instances.
import { arraySource, type Constraint, type Regularizer, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { Optimizer, sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryCrossentropy } from './losses.js';
import { blobs } from './test-utils/blobs.js';
import { mlp, weightsOf } from './test-utils/trainer-fixtures.js';
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
  it('adds weight and activity penalties to the loss and reports regularization_loss', async () => {
    const l2: Regularizer = {
      name: 'l2',
      config: { l2: 0.01 },
      penalty: (w) => tf.mul(0.01, tf.sum(tf.square(w))),
    };
    const act: Regularizer = {
      name: 'l1',
      config: { l1: 0.001 },
      penalty: (a) => tf.mul(0.001, tf.sum(tf.abs(a))),
    };
    const model = mlp(4, { hidden: { kernelRegularizer: l2, activityRegularizer: act } });
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0 }),
    });
    const history = await trainer.fit(data.x, data.y, {
      epochs: 1,
      batchSize: 32,
      shuffle: false,
      verbose: 0,
    });
    expect(history.history.regularization_loss).toHaveLength(1);
    const result = await trainer.evaluate(data.x, data.y, { batchSize: 32 });
    // closed form: 0.01·Σ W² + mean over batches of 0.001·Σ|relu(xW + b)| (per-batch sums, batch-size weighted)
    const expected = tf.tidy(() => {
      const kernel = model.layers[0]!.parameters[0]!.variable;
      const bias = model.layers[0]!.parameters[1]!.variable;
      const weightPenalty = tf.mul(0.01, tf.sum(tf.square(kernel)));
      const h = tf.relu(tf.add(tf.matMul(data.x, kernel), bias));
      const perBatch = [0, 32, 64].map((s) => tf.mul(0.001, tf.sum(tf.abs(tf.slice(h, [s, 0], [32, 8])))));
      return tf.add(weightPenalty, tf.mean(tf.stack(perBatch))).dataSync()[0]!;
    });
    expect(result.regularization_loss).toBeCloseTo(expected, 5);
    expect(history.history.regularization_loss![0]).toBeCloseTo(expected, 5);
    expect(history.history.loss![0]).toBe(result.loss); // loss includes the penalties (Keras)
    model.dispose();
  });

  it('reads the trainable parameters every step (freezing needs no recompile) and applies constraints', async () => {
    const nonNeg: Constraint = { name: 'non_neg', config: {}, apply: (w) => tf.relu(w) };
    const model = mlp(6, { hidden: { kernelConstraint: nonNeg } });
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 });
    const kernel = model.layers[0]!.parameters[0]!;
    expect(Math.min(...kernel.variable.dataSync())).toBeGreaterThanOrEqual(0);
    model.layers[0]!.trainable = false;
    const frozen = weightsOf(model);
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 });
    const after = weightsOf(model);
    expect(after[0]).toEqual(frozen[0]);
    expect(after[1]).toEqual(frozen[1]);
    expect(after[2]).not.toEqual(frozen[2]);
    model.dispose();
  });

  it('trains from uint8 BatchSources and from a binary logits model with threshold-0 accuracy', async () => {
    const n = 64;
    const pixels = new Uint8Array(n * 4);
    const labels = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const on = i % 2;
      labels[i] = on;
      for (let j = 0; j < 4; j++) pixels[i * 4 + j] = on ? 200 + j : 20 + j;
    }
    const model = new Sequential([new Dense({ units: 1, inputShape: [4] })], { seed: 0 });
    const trainer = compile(model, {
      loss: binaryCrossentropy({ fromLogits: true }),
      optimizer: sgd({ learningRate: 0.5 }),
      metrics: ['accuracy'],
    });
    const before = tf.memory().numTensors;
    const h = await trainer.fit(arraySource(pixels, [4], { scale: 1 / 255 }), arraySource(labels, []), {
      epochs: 15,
      batchSize: 16,
      verbose: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.history.accuracy![14]).toBe(1);
    model.dispose();
  });

  it('dispose frees the optimizer state it created', async () => {
    const model = mlp();
    model.build();
    const before = tf.memory().numTensors;
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
    });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before + 4); // one momentum slot per parameter
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('accepts an Optimizer instance as well as a gradient transformation', async () => {
    const model = mlp();
    const opt = new Optimizer(sgd({ learningRate: 0.05 }));
    const trainer = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: opt });
    expect(trainer.optimizer).toBe(opt);
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 0 });
    expect(opt.iterations).toBe(3);
    trainer.dispose(); // leaves a caller-owned optimizer alone
    expect(opt.iterations).toBe(3);
    opt.dispose();
    model.dispose();
  });
});
