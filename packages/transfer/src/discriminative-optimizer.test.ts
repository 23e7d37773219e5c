import { tf } from '@steadygrad/core';
import { Dense } from '@steadygrad/nn';
import { Optimizer, sgd } from '@steadygrad/optim';
import { compile, learningRateScheduler } from '@steadygrad/train';
import { describe, expect, it } from 'vitest';
import { discriminativeOptimizer } from './discriminative-optimizer.js';
import { fineTune } from './fine-tune.js';
import { binaryData, modelA, values } from './test-utils/models.js';
import { transferModel } from './transfer-model.js';

describe('discriminativeOptimizer', () => {
  /**
   * A base (lr 1e-4) / head (lr 1e-3) optimizer for model A's transfer model, `prepare`d (e.g. a rate set), then
   * one step with unit gradients: each weight must move by exactly its group's rate, `lrOf(name)`.
   */
  function expectOneStep(prepare: (opt: Optimizer) => void, lrOf: (name: string) => number): void {
    const before = tf.memory().numTensors;
    const a = modelA();
    const b = transferModel(a, { head: new Dense(1, { activation: 'sigmoid' }) });
    const opt = new Optimizer(
      discriminativeOptimizer(
        { base: sgd({ learningRate: 1e-4 }), head: sgd({ learningRate: 1e-3 }) },
        b.model,
        -1,
      ),
    );
    prepare(opt);
    const params = b.model.trainableParameters;
    const w0 = values(params);
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    opt.step(params, grads);
    const w1 = values(params);
    params.forEach((p, i) => {
      const expected = Array.from(w0[i]!, (v) => Math.fround(v - Math.fround(lrOf(p.name))));
      expect(Array.from(w1[i]!)).toEqual(expected);
    });
    tf.dispose(Object.values(grads));
    opt.dispose();
    b.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }

  it('applies the base rate to reused layers and the head rate to the head (w ← w − lr·g)', () => {
    expectOneStep(
      () => {},
      (name) => (name.startsWith('dense_2/') ? 1e-3 : 1e-4),
    );
  });

  it('setLearningRate keeps the base/head ratio (w ← w − lr·g per group)', () => {
    expectOneStep(
      (opt) => {
        opt.setLearningRate(5e-5); // what an LR callback does: base (the reference) 5e-5, head keeps 10×
        expect(opt.learningRate).toBe(5e-5);
      },
      (name) => (name.startsWith('dense_2/') ? 5e-5 * (1e-3 / 1e-4) : 5e-5),
    );
  });

  it('requires a built model and a non-empty head', () => {
    const a = modelA();
    expect(() => discriminativeOptimizer({ base: sgd(), head: sgd() }, a, (l) => l.name === 'nope')).toThrow(
      'discriminativeOptimizer: headLayers selects no layer',
    );
    a.dispose();
  });

  it('a zero base rate keeps the base fixed in fit while the head trains, also under an LR callback; fineTune uses it for headLearningRate', async () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const weightsA = values(a.parameters);
    const b = transferModel(a, { head: new Dense(1, { activation: 'sigmoid' }) });
    const headBefore = values(b.model.layers.at(-1)!.parameters);
    const { x, y } = binaryData(32);
    const trainer = compile(b.model, {
      loss: 'binary_crossentropy',
      optimizer: discriminativeOptimizer(
        { base: sgd({ learningRate: 0 }), head: sgd({ learningRate: 0.1 }) },
        b.model,
        'dense_2',
      ),
    });
    // The callback sets the rate each epoch: the head's (the first group with a positive rate); the base's 0
    // stays 0 (before, partition gave every group the rate set, unfreezing the base).
    const h = await trainer.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      callbacks: [learningRateScheduler((epoch) => 0.05 / 2 ** epoch)],
    });
    trainer.dispose();
    expect(h.history.lr).toEqual([0.05, 0.025]);
    expect(values(b.base.flatMap((l) => l.parameters))).toEqual(weightsA.slice(0, 4));
    expect(values(b.model.layers.at(-1)!.parameters)).not.toEqual(headBefore);
    b.dispose();

    const r = await fineTune(a, {
      head: new Dense(1, { activation: 'sigmoid' }),
      x,
      y,
      frozenEpochs: 0,
      unfrozenEpochs: 1,
      lowerLearningRate: 0,
      headLearningRate: 0.1,
      batchSize: 8,
    });
    expect(values(r.base.flatMap((l) => l.parameters))).toEqual(weightsA.slice(0, 4));
    r.dispose();
    a.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
