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
  it('applies the base rate to reused layers and the head rate to the head (w ← w − lr·g)', () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const b = transferModel(a, { head: new Dense(1, { activation: 'sigmoid' }) });
    const tx = discriminativeOptimizer(
      { base: sgd({ learningRate: 1e-4 }), head: sgd({ learningRate: 1e-3 }) },
      b.model,
      -1,
    );
    const opt = new Optimizer(tx);
    const params = b.model.trainableParameters;
    const w0 = values(params);
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    opt.step(params, grads);
    const w1 = values(params);
    params.forEach((p, i) => {
      const lr = p.name.startsWith('dense_2/') ? 1e-3 : 1e-4;
      const expected = Array.from(w0[i]!, (v) => Math.fround(v - Math.fround(lr)));
      expect(Array.from(w1[i]!)).toEqual(expected);
    });
    tf.dispose(Object.values(grads));
    opt.dispose();
    b.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('setLearningRate keeps the base/head ratio (w ← w − lr·g per group)', () => {
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
    opt.setLearningRate(5e-5); // what an LR callback does: base (the reference) 5e-5, head keeps 10×
    expect(opt.learningRate).toBe(5e-5);
    const params = b.model.trainableParameters;
    const w0 = values(params);
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    opt.step(params, grads);
    const w1 = values(params);
    params.forEach((p, i) => {
      const lr = p.name.startsWith('dense_2/') ? 5e-5 * (1e-3 / 1e-4) : 5e-5;
      const expected = Array.from(w0[i]!, (v) => Math.fround(v - Math.fround(lr)));
      expect(Array.from(w1[i]!)).toEqual(expected);
    });
    tf.dispose(Object.values(grads));
    opt.dispose();
    b.dispose();
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an LR callback in fit leaves a zero-rate base frozen and sets the head rate', async () => {
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
    const h = await trainer.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      callbacks: [learningRateScheduler((epoch) => 0.05 / 2 ** epoch)],
    });
    expect(h.history.lr).toEqual([0.05, 0.025]);
    expect(values(b.base.flatMap((l) => l.parameters))).toEqual(weightsA.slice(0, 4));
    expect(values(b.model.layers.at(-1)!.parameters)).not.toEqual(headBefore);
    trainer.dispose();
    b.dispose();
    a.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('requires a built model and a non-empty head', () => {
    const a = modelA();
    expect(() => discriminativeOptimizer({ base: sgd(), head: sgd() }, a, (l) => l.name === 'nope')).toThrow(
      'discriminativeOptimizer: headLayers selects no layer',
    );
    a.dispose();
  });

  it('a zero base rate keeps the base fixed in fit while the head trains; fineTune uses it for headLearningRate', async () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const weightsA = values(a.parameters);
    const b = transferModel(a, { head: new Dense(1, { activation: 'sigmoid' }) });
    const { x, y } = binaryData(32);
    const trainer = compile(b.model, {
      loss: 'binary_crossentropy',
      optimizer: discriminativeOptimizer(
        { base: sgd({ learningRate: 0 }), head: sgd({ learningRate: 0.1 }) },
        b.model,
        'dense_2',
      ),
    });
    await trainer.fit(x, y, { epochs: 1, batchSize: 8 });
    trainer.dispose();
    expect(values(b.base.flatMap((l) => l.parameters))).toEqual(weightsA.slice(0, 4));
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
