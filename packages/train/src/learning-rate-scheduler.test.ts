import { isSteadygradError, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learningRateScheduler } from './learning-rate-scheduler.js';
import { blobs } from './test-utils/blobs.js';
import { PlainSgd } from './test-utils/plain-sgd.js';
import { compile } from './trainer.js';

const data = blobs(48, 3, 7);
const mlp = () =>
  new Sequential(
    [
      new Dense({ units: 4, activation: 'relu', inputShape: [2] }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 3 },
  );

beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));

describe('learningRateScheduler', () => {
  it('sets the rate of every epoch from (epoch) and records it in History (seed cell 22)', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.5 }),
    });
    const before = tf.memory().numTensors;
    const fn = (epoch: number) => 0.01 * 0.1 ** (epoch / 20);
    const h = await trainer.fit(data.x, data.y, {
      epochs: 4,
      verbose: 0,
      callbacks: [learningRateScheduler(fn)],
    });
    expect(h.history.lr).toEqual([0, 1, 2, 3].map(fn));
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });

  it('passes the current rate as second argument (seed cell 26, compounding)', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    const seen: number[] = [];
    const cb = learningRateScheduler((epoch, lr) => {
      seen.push(lr);
      return lr * 0.1 ** (epoch / 20);
    });
    const h = await trainer.fit(data.x, data.y, { epochs: 3, verbose: 0, callbacks: [cb] });
    const e1 = 0.1 * 0.1 ** (1 / 20);
    const e2 = e1 * 0.1 ** (2 / 20);
    expect(seen).toEqual([0.1, 0.1, e1]);
    expect(h.history.lr).toEqual([0.1, e1, e2]);
    trainer.dispose();
    model.dispose();
  });

  it('rejects a non-function, a bad returned rate and an optimizer without setLearningRate', async () => {
    expect(() => learningRateScheduler(3 as never)).toThrow(/expects a function/);
    const model = mlp();
    const trainer = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: sgd() });
    const err = await trainer
      .fit(data.x, data.y, { verbose: 0, callbacks: [learningRateScheduler(() => Number.NaN)] })
      .catch((e) => e);
    expect(isSteadygradError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(err.message).toMatch(/returned NaN for epoch 0; expected a finite number >= 0/);
    const plain = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: new PlainSgd(0.1) });
    const err2 = await plain
      .fit(data.x, data.y, { verbose: 0, callbacks: [learningRateScheduler(() => 0.1)] })
      .catch((e) => e);
    expect(isSteadygradError(err2, 'INCOMPATIBLE')).toBe(true);
    trainer.dispose();
    model.dispose();
  });
});
