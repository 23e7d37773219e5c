import { isSteadygradError, tf } from '@steadygrad/core';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { describe, expect, it } from 'vitest';
import { fineTune } from './fine-tune.js';
import { binaryData, modelA, values } from './test-utils/models.js';
import { transferModel } from './transfer-model.js';

const head = () => new Dense(1, { activation: 'sigmoid' });

describe('transferModel', () => {
  it('shares the source layers with share: true: training B changes A (the seed warning)', async () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const weightsA = values(a.parameters);
    const b = transferModel(a, { head: head(), share: true, seed: 3 });
    expect(b.base).toEqual(a.layers.slice(0, -1));
    expect(b.model.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1', 'dense_2']);
    const { x, y } = binaryData(32);
    const trainer = compile(b.model, { loss: 'binary_crossentropy', optimizer: sgd({ learningRate: 0.1 }) });
    await trainer.fit(x, y, { epochs: 1, batchSize: 8 });
    trainer.dispose();
    const after = values(a.parameters);
    // The shared layers (dense, dense_1: 4 tensors) changed in A; A's own output layer did not.
    for (let i = 0; i < 4; i++) expect(after[i]).not.toEqual(weightsA[i]);
    expect(after.slice(4)).toEqual(weightsA.slice(4));
    // ... and they are the same values in both models.
    expect(values(b.base.flatMap((l) => l.parameters))).toEqual(after.slice(0, 4));
    b.dispose(); // the head only: the shared base belongs to A
    expect(a.parameters.every((p) => !p.variable.isDisposed)).toBe(true);
    a.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('checks that the head fits the reused output', () => {
    const a = modelA();
    expect(() => transferModel(a, { head: new Dense(1, { inputShape: [5] }) })).toThrow(
      "head layer 'dense' (Dense) expects input shape (None, 5), but the reused base outputs (None, 6)",
    );
    const wrong = new Dense(1);
    const other = new Sequential([new Flatten({ inputShape: [3] }), wrong]);
    try {
      transferModel(a, { head: wrong });
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toBe(
        "head layer 'dense' (Dense) expects input shape (None, 3), but the reused base outputs (None, 6)",
      );
    }
    expect(() => transferModel(a, { head: a.layers[3]! })).toThrow(/head layers must be new layers/);
    expect(() => transferModel(a, { head: [] })).toThrow(/head must be a Layer or a non-empty array/);
    other.dispose();
    a.dispose();
  });
});

describe('fineTune (the seed recipe)', () => {
  it('keeps the reused weights bit-identical to A during the frozen phase, then trains them; A untouched', async () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const weightsA = values(a.parameters);
    const { x, y } = binaryData(48);
    const frozenOnly = await fineTune(a, {
      head: head(),
      x,
      y,
      frozenEpochs: 2,
      unfrozenEpochs: 0,
      batchSize: 16,
    });
    const baseParams = frozenOnly.base.flatMap((l) => l.parameters);
    expect(values(baseParams)).toEqual(weightsA.slice(0, 4));
    expect(frozenOnly.history.frozen?.history.loss).toHaveLength(2);
    expect(frozenOnly.history.unfrozen).toBeUndefined();
    // The head did train.
    const freshHead = transferModel(a, { head: head() });
    expect(values(frozenOnly.head.flatMap((l) => l.parameters))).not.toEqual(
      values(freshHead.head.flatMap((l) => l.parameters)),
    );
    freshHead.dispose();
    frozenOnly.dispose();

    const full = await fineTune(a, {
      head: head(),
      x,
      y,
      validationData: [x, y],
      frozenEpochs: 1,
      unfrozenEpochs: 2,
      lowerLearningRate: 0.05,
      batchSize: 16,
    });
    expect(full.history.unfrozen?.epoch).toEqual([1, 2]);
    expect(full.history.unfrozen?.history.val_accuracy).toHaveLength(2);
    const trained = values(full.base.flatMap((l) => l.parameters));
    for (let i = 0; i < 4; i++) expect(trained[i]).not.toEqual(weightsA[i]);
    expect(full.base.every((l) => l.trainable)).toBe(true);
    // Cloned base (share: false, the default): A is bit-identical after the whole recipe.
    expect(values(a.parameters)).toEqual(weightsA);
    full.dispose();
    a.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('unfreezes only the top unfreezeTop reused layers', async () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const weightsA = values(a.parameters);
    const { x, y } = binaryData(32);
    const r = await fineTune(a, {
      head: head(),
      x,
      y,
      frozenEpochs: 1,
      unfrozenEpochs: 1,
      unfreezeTop: 1,
      lowerLearningRate: 0.1,
      batchSize: 16,
    });
    expect(r.base.map((l) => l.trainable)).toEqual([false, false, true]);
    const trained = values(r.base.flatMap((l) => l.parameters));
    expect(trained.slice(0, 2)).toEqual(weightsA.slice(0, 2)); // dense: still frozen
    expect(trained[2]).not.toEqual(weightsA[2]); // dense_1: unfrozen and trained
    r.dispose();
    a.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs a frozen BatchNormalization in inference mode: moving statistics unchanged', async () => {
    const before = tf.memory().numTensors;
    const a = new Sequential(
      [
        new Flatten({ inputShape: [4, 4] }),
        new Dense(8),
        new BatchNormalization(),
        new Dense(6, { activation: 'relu' }),
        new Dense(3, { activation: 'softmax' }),
      ],
      { seed: 2 },
    );
    const { x, y } = binaryData(48);
    const labels = tf.tidy(() => tf.cast(tf.squeeze(y), 'int32'));
    const ta = compile(a, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    await ta.fit(x, labels, { epochs: 1, batchSize: 16 });
    ta.dispose();
    const bnA = a.layers[2] as BatchNormalization;
    const movingA = values([bnA.movingMean, bnA.movingVariance]);
    expect(Array.from(movingA[0]!).some((v) => v !== 0)).toBe(true);

    const r = await fineTune(a, { head: head(), x, y, frozenEpochs: 2, unfrozenEpochs: 0, batchSize: 16 });
    const bnB = r.base[2] as BatchNormalization;
    expect(bnB).not.toBe(bnA);
    expect(values([bnB.movingMean, bnB.movingVariance])).toEqual(movingA);
    // Once unfrozen, the same layer updates them again (training mode).
    const r2 = await fineTune(a, { head: head(), x, y, frozenEpochs: 0, unfrozenEpochs: 1, batchSize: 16 });
    const bn2 = r2.base[2] as BatchNormalization;
    expect(values([bn2.movingMean, bn2.movingVariance])).not.toEqual(movingA);
    r.dispose();
    r2.dispose();
    a.dispose();
    tf.dispose([x, y, labels]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails clearly on mismatched input shapes, a misfit head and unfreezing too many layers', async () => {
    const before = tf.memory().numTensors;
    const a = modelA();
    const { x, y } = binaryData(8);
    const flat = tf.reshape(x, [8, 16]);
    await expect(fineTune(a, { head: head(), x: flat, y })).rejects.toThrow(
      "source model 'model_a' expects inputs of shape (None, 4, 4), but the target training data x has samples of shape (None, 16)",
    );
    await expect(fineTune(a, { head: head(), x, y, validationData: [flat, y] })).rejects.toThrow(
      "source model 'model_a' expects inputs of shape (None, 4, 4), but the target validation data has samples of shape (None, 16)",
    );
    const err = await fineTune(a, { head: head(), x: flat, y }).catch((e: unknown) => e);
    expect(isSteadygradError(err, 'SHAPE_MISMATCH')).toBe(true);
    await expect(fineTune(a, { head: new Dense(1, { inputShape: [100] }), x, y })).rejects.toThrow(
      "head layer 'dense' (Dense) expects input shape (None, 100), but the reused base outputs (None, 6)",
    );
    const tooMany = await fineTune(a, { head: head(), x, y, unfreezeTop: 4 }).catch((e: unknown) => e);
    expect(isSteadygradError(tooMany, 'INVALID_ARGUMENT')).toBe(true);
    expect((tooMany as Error).message).toBe(
      "unfreezeTop is 4, but the reused base of model 'model_a' has only 3 layers; expected at most 3 (or 'all')",
    );
    a.dispose();
    tf.dispose([x, y, flat]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
