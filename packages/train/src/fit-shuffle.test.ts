// fit's shuffle visits the samples in a new order every epoch — what Keras documents for `shuffle=True` — and
// the deliberate difference from Keras 3 itself, pinned against its recorded behaviour
// (tooling/fixtures/train-shuffle-keras.py → fixtures/shuffle-keras.json): once a global seed is set
// (`keras.utils.set_random_seed`, as Géron's notebooks do), Keras 3's `fit(shuffle=True)` on arrays repeats one
// permuted order every epoch. That difference is the seed cell 5 gap of issue #25 (docs/keras-parity.md):
// with a new order every epoch, Keras 3 scores what steadygrad scores.
import { arraySource, type BatchSource, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { sgd } from '@steadygrad/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import fixture from './fixtures/shuffle-keras.json' with { type: 'json' };
import { mlp } from './test-utils/trainer-fixtures.js';
import { compile } from './trainer.js';

beforeAll(() => {
  registerGradients();
});

/** The order in which `fit` takes the samples of each epoch (as Keras's fixture records them). */
async function fitOrders(seed: number, shuffle?: boolean): Promise<number[][]> {
  const { samples, batchSize, epochs } = fixture;
  const xValues = Float32Array.from({ length: samples * 2 }, (_, i) => (i % 7) / 7);
  const base = arraySource(xValues, [2]);
  const taken: number[] = [];
  const x: BatchSource = {
    ...base,
    batch(indices: ArrayLike<number>): Tensor {
      taken.push(...Array.from(indices));
      return base.batch(indices);
    },
  };
  const y = arraySource(
    Int32Array.from({ length: samples }, (_, i) => i % 3),
    [],
    { dtype: 'int32' },
  );
  const model = mlp(1);
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01 }),
  });
  try {
    await trainer.fit(x, y, {
      epochs,
      batchSize,
      seed,
      verbose: 0,
      ...(shuffle === undefined ? {} : { shuffle }),
    });
  } finally {
    trainer.dispose();
    model.dispose();
  }
  return Array.from({ length: epochs }, (_, e) => taken.slice(e * samples, (e + 1) * samples));
}

const identity = Array.from({ length: fixture.samples }, (_, i) => i);
const sorted = (order: readonly number[]) => [...order].sort((a, b) => a - b);

describe('fit shuffle against Keras 3', () => {
  it('the fixture: seeded Keras 3 repeats one permutation every epoch; unseeded, it draws a new one', () => {
    const [first, ...rest] = fixture.seededOrders;
    expect(first).not.toEqual(identity);
    expect(sorted(first!)).toEqual(identity);
    for (const order of rest) expect(order).toEqual(first);
    const [u0, u1, u2] = fixture.unseededOrders;
    for (const order of [u0!, u1!, u2!]) expect(sorted(order)).toEqual(identity);
    expect(u1).not.toEqual(u0);
    expect(u2).not.toEqual(u1);
  });

  it('steadygrad (seeded, the default shuffle) draws a new permutation every epoch, reproducibly', async () => {
    const before = tf.memory().numTensors;
    const orders = await fitOrders(42);
    expect(orders).toHaveLength(fixture.epochs);
    for (const order of orders) expect(sorted(order)).toEqual(identity);
    expect(orders[0]).not.toEqual(identity);
    expect(orders[1]).not.toEqual(orders[0]);
    expect(orders[2]).not.toEqual(orders[1]);
    expect(orders[2]).not.toEqual(orders[0]);
    expect(await fitOrders(42)).toEqual(orders); // same seed, same orders
    expect(await fitOrders(43)).not.toEqual(orders);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shuffle: false visits 0..n−1 every epoch', async () => {
    const before = tf.memory().numTensors;
    for (const order of await fitOrders(42, false)) expect(order).toEqual(identity);
    expect(tf.memory().numTensors).toBe(before);
  });
});
