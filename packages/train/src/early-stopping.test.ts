import { isSteadygradError, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Callback, Logs } from './callbacks.js';
import { earlyStopping } from './early-stopping.js';
import { blobs } from './test-utils/blobs.js';
import { compile, type Trainer } from './trainer.js';

const data = blobs(48, 3, 7);
const valid = blobs(24, 3, 8);
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y, valid.x, valid.y]));

const mlp = () =>
  new Sequential(
    [
      new Dense({ units: 4, activation: 'relu', inputShape: [2] }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 3 },
  );

/** Feeds a scripted monitor value into the logs and records the weights at the end of every epoch. */
function scripted(values: readonly number[], snapshots: number[][][]): Callback<Trainer> {
  let trainer: Trainer | undefined;
  return {
    setTrainer(t) {
      trainer = t;
    },
    onEpochEnd(epoch: number, logs: Logs) {
      logs.score = values[epoch]!;
      const params = (trainer!.model as Sequential).parameters;
      snapshots.push(params.map((p) => Array.from(p.variable.dataSync())));
    },
  };
}

describe('earlyStopping', () => {
  it('stops after `patience` epochs without improvement (Keras 3 rule)', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    const snaps: number[][][] = [];
    const stop = earlyStopping({ monitor: 'score', mode: 'min', patience: 2 });
    const h = await trainer.fit(data.x, data.y, {
      epochs: 10,
      verbose: 0,
      callbacks: [scripted([5, 4, 4.5, 3, 3.5, 3.2, 1, 1], snaps), stop],
    });
    // best 3 at epoch 3; epochs 4 and 5 do not improve → wait = 2 >= patience at epoch 5.
    expect(h.epoch).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stop.stoppedEpoch).toBe(5);
    expect(stop.bestEpoch).toBe(3);
    trainer.dispose();
    model.dispose();
  });

  it('restoreBestWeights puts back every weight of the best epoch and frees its copies', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    const before = tf.memory().numTensors;
    const snaps: number[][][] = [];
    const stop = earlyStopping({
      monitor: 'score',
      mode: 'max',
      patience: 3,
      restoreBestWeights: true,
      minDelta: 0.01,
    });
    await trainer.fit(data.x, data.y, {
      epochs: 8,
      verbose: 0,
      callbacks: [scripted([0.1, 0.5, 0.505, 0.4, 0.3, 0.2, 0.9, 0.9], snaps), stop],
    });
    // 0.505 is not an improvement over 0.5 + minDelta: best is epoch 1; stopped at epoch 4.
    expect(stop.bestEpoch).toBe(1);
    expect(stop.stoppedEpoch).toBe(4);
    expect(snaps).toHaveLength(5);
    const now = model.parameters.map((p) => Array.from(p.variable.dataSync()));
    expect(now).toEqual(snaps[1]);
    expect(now).not.toEqual(snaps[4]);
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
    model.dispose();
  });

  it('baseline: training stops unless the value beats it; startFromEpoch skips warm-up epochs', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    const stop = earlyStopping({ monitor: 'score', mode: 'min', patience: 1, baseline: 1 });
    const h = await trainer.fit(data.x, data.y, {
      epochs: 6,
      verbose: 0,
      callbacks: [scripted([3, 3, 3, 3, 3, 3], []), stop],
    });
    expect(h.epoch).toEqual([0, 1]);
    const late = earlyStopping({ monitor: 'score', mode: 'min', patience: 0, startFromEpoch: 3 });
    const h2 = await trainer.fit(data.x, data.y, {
      epochs: 6,
      verbose: 0,
      callbacks: [scripted([3, 4, 5, 6, 7, 8], []), late],
    });
    expect(h2.epoch).toEqual([0, 1, 2, 3, 4]);
    trainer.dispose();
    model.dispose();
  });

  it('monitors val_loss by default and validates its options', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    const stop = earlyStopping({ patience: 100, restoreBestWeights: true });
    await trainer.fit(data.x, data.y, {
      epochs: 2,
      verbose: 0,
      validationData: [valid.x, valid.y],
      callbacks: [stop],
    });
    expect(stop.best).toBeGreaterThan(0);
    expect(() => earlyStopping({ patience: 1.5 })).toThrow(/patience/);
    expect(() => earlyStopping({ restoreBestWeights: 'yes' as never })).toThrow(
      /restoreBestWeights must be a boolean/,
    );
    const err = await trainer
      .fit(data.x, data.y, { verbose: 0, callbacks: [earlyStopping()] })
      .catch((e) => e);
    expect(isSteadygradError(err, 'NOT_FOUND')).toBe(true);
    trainer.dispose();
    model.dispose();
  });
});
