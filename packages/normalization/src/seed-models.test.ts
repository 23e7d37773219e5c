import { RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { Activation, Dense, Flatten, Sequential } from '@steadygrad/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization } from './batch-normalization.js';

beforeAll(() => {
  registerGradients();
});

/** Seed cell 5: BN after every hidden Dense (with its activation), and on the flattened input. */
function cell5(seed = 0): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new BatchNormalization(),
      new Dense({ units: 300, activation: 'relu', kernelInitializer: 'he_normal' }),
      new BatchNormalization(),
      new Dense({ units: 100, activation: 'relu', kernelInitializer: 'he_normal' }),
      new BatchNormalization(),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
    { seed },
  );
}

/** Seed cell 8: BN before the activation (Dense → BN → Activation('elu')); `useBias` false drops the bias BN makes redundant. */
function cell8(useBias: boolean, seed = 0): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      new BatchNormalization(),
      new Dense({ units: 300, kernelInitializer: 'he_normal', useBias }),
      new BatchNormalization(),
      new Activation('elu'),
      new Dense({ units: 100, kernelInitializer: 'he_normal', useBias }),
      new BatchNormalization(),
      new Activation('elu'),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
    { seed },
  );
}

describe('seed cells 5–8', () => {
  it('cell 6: summary() of the cell 5 model gives the seed figures', () => {
    const model = cell5();
    const lines: string[] = [];
    const s = model.summary({ print: (l) => lines.push(l) });
    expect(s.layers.map((l) => l.params)).toEqual([0, 3136, 235500, 1200, 30100, 400, 1010]);
    expect(s.layers.map((l) => l.name)).toEqual([
      'flatten',
      'batch_normalization',
      'dense',
      'batch_normalization_1',
      'dense_1',
      'batch_normalization_2',
      'dense_2',
    ]);
    expect(s.layers.map((l) => l.className)[1]).toBe('BatchNormalization');
    expect(s.layers.map((l) => l.outputShape)).toEqual([
      [null, 784],
      [null, 784],
      [null, 300],
      [null, 300],
      [null, 100],
      [null, 100],
      [null, 10],
    ]);
    expect(s.totalParams).toBe(271_346);
    expect(s.trainableParams).toBe(268_978);
    expect(s.nonTrainableParams).toBe(2_368);
    expect(lines.some((l) => l.includes('Total params: 271346'))).toBe(true);
    model.dispose();
  });

  it("cell 7: model.layers[1]'s variables and their trainable flags", () => {
    const model = cell5();
    expect(model.layers[1]!.parameters.map((p) => [p.name, p.trainable])).toEqual([
      ['batch_normalization/gamma', true],
      ['batch_normalization/beta', true],
      ['batch_normalization/moving_mean', false],
      ['batch_normalization/moving_variance', false],
    ]);
    // Only γ/β reach the optimizer; the moving statistics are the model's non-trainable parameters.
    expect(model.nonTrainableParameters.map((p) => p.name)).toEqual([
      'batch_normalization/moving_mean',
      'batch_normalization/moving_variance',
      'batch_normalization_1/moving_mean',
      'batch_normalization_1/moving_variance',
      'batch_normalization_2/moving_mean',
      'batch_normalization_2/moving_variance',
    ]);
    model.dispose();
  });

  it('cell 8 as written (Dense keeps its bias): same counts as cell 5, Activation layers count 0', () => {
    const model = cell8(true);
    const s = model.summary({ print: () => {} });
    expect(s.layers.map((l) => l.params)).toEqual([0, 3136, 235500, 1200, 0, 30100, 400, 0, 1010]);
    expect(s.totalParams).toBe(271_346);
    expect(s.trainableParams).toBe(268_978);
    expect(s.nonTrainableParams).toBe(2_368);
    model.dispose();
  });

  it('cell 8 with the bias dropped before BN: summary counts what really exists', () => {
    const model = cell8(false);
    const s = model.summary({ print: () => {} });
    expect(s.layers.map((l) => l.params)).toEqual([0, 3136, 235200, 1200, 0, 30000, 400, 0, 1010]);
    expect(s.totalParams).toBe(270_946);
    expect(s.trainableParams).toBe(268_578);
    expect(s.nonTrainableParams).toBe(2_368);
    model.dispose();
  });

  it('trains through Sequential inside tf.variableGrads: moving stats update, no gradient for them, no leak', () => {
    const model = cell8(false, 3);
    const rng = new RandomStream(7);
    const x = tf.tensor3d(Array.from(rng.fillUniform(16 * 28 * 28, 0, 1)), [16, 28, 28]);
    const labels = tf.tidy(() =>
      tf.oneHot(
        tf.tensor1d(
          Array.from({ length: 16 }, (_, i) => i % 10),
          'int32',
        ),
        10,
      ),
    );
    const trainable = model.trainableParameters.map((p) => p.variable);
    const bn0 = model.layers[1] as BatchNormalization;
    const mm0 = bn0.movingMean.variable.dataSync().slice();
    const before = tf.memory().numTensors;
    for (let step = 0; step < 5; step++) {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const p = model.apply(x, { training: true });
          return tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(tf.add(p, 1e-7))), 1))) as tf.Scalar;
        }, trainable);
        expect(Object.keys(grads).length).toBe(trainable.length);
        for (const v of trainable) v.assign(tf.sub(v, tf.mul(grads[v.name]!, 0.01)));
        return value;
      }).dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
    const mm1 = bn0.movingMean.variable.dataSync();
    // Input pixel means are ~0.5; after 5 steps with m = 0.99: 0.5·(1 − 0.99^5) ≈ 0.0245.
    expect(mm0[0]).toBe(0);
    expect(mm1[0]!).toBeGreaterThan(0.015);
    expect(mm1[0]!).toBeLessThan(0.035);
    tf.dispose([x, labels]);
    model.dispose();
  });

  it('a frozen BN inside a Sequential keeps its moving statistics during a training call', () => {
    const model = cell5(1);
    const bn = model.layers[3] as BatchNormalization;
    bn.trainable = false;
    const x = tf.randomUniform([8, 28, 28], 0, 1, 'float32', 5);
    const mm = bn.movingMean.variable.dataSync().slice();
    const mv = bn.movingVariance.variable.dataSync().slice();
    const other = (model.layers[1] as BatchNormalization).movingMean.variable.dataSync().slice();
    const y: Tensor = model.apply(x, { training: true });
    expect(Array.from(bn.movingMean.variable.dataSync())).toEqual(Array.from(mm));
    expect(Array.from(bn.movingVariance.variable.dataSync())).toEqual(Array.from(mv));
    // ... while the trainable BN layers did update theirs.
    expect(Array.from((model.layers[1] as BatchNormalization).movingMean.variable.dataSync())).not.toEqual(
      Array.from(other),
    );
    expect(model.summary({ print: () => {} }).nonTrainableParams).toBe(2_368 + 600);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('replaying the same seeded batches through the same-seeded model gives bit-identical moving statistics', () => {
    const run = (): number[][] => {
      const model = cell5(11);
      const rng = new RandomStream(99);
      const before = tf.memory().numTensors;
      for (let step = 0; step < 3; step++) {
        const x = tf.tensor3d(Array.from(rng.fillUniform(8 * 28 * 28, 0, 1)), [8, 28, 28]);
        tf.dispose([model.apply(x, { training: true }), x]);
      }
      expect(tf.memory().numTensors).toBe(before);
      const stats = model.nonTrainableParameters.map((p) => Array.from(p.variable.dataSync()));
      model.dispose();
      return stats;
    };
    const a = run();
    const b = run();
    expect(a.length).toBe(6);
    expect(b).toEqual(a);
    expect(a[0]!.some((v) => v !== 0)).toBe(true);
  });
});
