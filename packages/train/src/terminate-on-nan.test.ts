import { isSteadygradError, registerGradients, type Scalar, type Tensor, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meanSquaredError } from './losses.js';
import { terminateOnNaN } from './terminate-on-nan.js';
import { compile } from './trainer.js';

// 96 samples of y = 2x − 1 (batch 32: 3 steps per epoch).
const x = tf.tidy(() => tf.reshape(tf.linspace(-1, 1, 96), [96, 1]));
const y = tf.tidy(() => tf.sub(tf.mul(x, 2), 1));

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  tf.dispose([x, y]);
});

function linear(): Sequential {
  return new Sequential([new Dense({ units: 1, inputShape: [1] })], { seed: 1 });
}

describe('terminateOnNaN', () => {
  it('stops at the first step whose loss is NaN and names the epoch and step', async () => {
    const model = linear();
    // A loss that turns NaN on its 6th call (the 6th step: epoch index 1, batch index 2).
    let calls = 0;
    const mse = meanSquaredError();
    const loss = (yt: Tensor, yp: Tensor): Scalar => {
      calls++;
      const l = mse(yt, yp);
      return calls >= 6 ? (tf.mul(l, Number.NaN) as Scalar) : l;
    };
    const trainer = compile(model, { loss, optimizer: sgd({ learningRate: 0.01 }) });
    const messages: string[] = [];
    const guard = terminateOnNaN({ log: (m) => messages.push(m) });
    const before = tf.memory().numTensors;
    const history = await trainer.fit(x, y, {
      epochs: 10,
      batchSize: 32,
      shuffle: false,
      callbacks: [guard],
      verbose: 0,
      nonFinite: 'ignore',
    });
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(calls).toBe(6); // no step after the bad one
    expect(guard.stopped).toMatchObject({ epoch: 1, batch: 2, step: 6 });
    expect(Number.isNaN(guard.stopped!.loss)).toBe(true);
    expect(messages).toEqual([
      'loss is NaN at epoch 2/10, batch 3/3 (epoch index 1, batch index 2, step 6): training stopped',
    ]);
    // The epoch in progress ends (its NaN loss is recorded); no further epoch runs.
    expect(history.epoch).toEqual([0, 1]);
    expect(Number.isFinite(history.history.loss![0]!)).toBe(true);
    expect(Number.isNaN(history.history.loss![1]!)).toBe(true);
    model.dispose();
  });

  it('catches a divergence to Infinity/NaN from a huge learning rate', async () => {
    const model = linear();
    const trainer = compile(model, { loss: 'mse', optimizer: sgd({ learningRate: 1e12 }) });
    const messages: string[] = [];
    const guard = terminateOnNaN({ log: (m) => messages.push(m) });
    const before = tf.memory().numTensors;
    const history = await trainer.fit(x, y, {
      epochs: 50,
      batchSize: 32,
      shuffle: false,
      callbacks: [guard],
      verbose: 0,
      nonFinite: 'ignore',
    });
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const stopped = guard.stopped!;
    expect(stopped).toBeDefined();
    expect(Number.isFinite(stopped.loss)).toBe(false);
    expect(history.epoch).toHaveLength(stopped.epoch + 1);
    expect(stopped.step).toBe(stopped.epoch * 3 + stopped.batch + 1);
    expect(messages[0]).toMatch(
      new RegExp(`^loss is (NaN|Infinity) at epoch ${stopped.epoch + 1}/50, batch ${stopped.batch + 1}/3 `),
    );
    model.dispose();
  });

  it('leaves a finite run alone', async () => {
    const model = linear();
    const trainer = compile(model, { loss: 'mse', optimizer: sgd({ learningRate: 0.01 }) });
    const guard = terminateOnNaN({ log: () => {} });
    const history = await trainer.fit(x, y, {
      epochs: 3,
      callbacks: [guard],
      verbose: 0,
      nonFinite: 'ignore',
    });
    expect(guard.stopped).toBeUndefined();
    expect(history.epoch).toEqual([0, 1, 2]);
    trainer.dispose();
    model.dispose();
  });

  it('throws DIVERGED with the same message when asked', async () => {
    const model = linear();
    const loss = (yt: Tensor, yp: Tensor): Scalar =>
      tf.add(meanSquaredError()(yt, yp), Number.POSITIVE_INFINITY) as Scalar;
    const trainer = compile(model, { loss, optimizer: sgd({ learningRate: 0.01 }) });
    const before = tf.memory().numTensors;
    let error: unknown;
    try {
      await trainer.fit(x, y, {
        epochs: 2,
        batchSize: 32,
        callbacks: [terminateOnNaN({ throwError: true })],
        verbose: 0,
        nonFinite: 'ignore',
      });
    } catch (e) {
      error = e;
    }
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(isSteadygradError(error, 'DIVERGED')).toBe(true);
    expect((error as Error).message).toBe(
      'loss is Infinity at epoch 1/2, batch 1/3 (epoch index 0, batch index 0, step 1): training stopped',
    );
    model.dispose();
  });

  it('validates its options', () => {
    expect(() => terminateOnNaN({ throwError: 'yes' as unknown as boolean })).toThrow(
      /throwError must be a boolean/,
    );
    expect(() => terminateOnNaN({ log: 3 as unknown as () => void })).toThrow(/log must be a function/);
  });
});
