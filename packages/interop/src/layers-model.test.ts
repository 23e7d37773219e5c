import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gelu } from '@steadygrad/activations';
import { isSteadygradError, type Tensor, tf } from '@steadygrad/core';
import { Activation, Dense, type DenseOptions, Flatten, LeakyReLU, Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { Dropout, l1l2, l2, maxNorm, nonNeg } from '@steadygrad/regularization';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { fromLayersModel, loadLayersModel, saveLayersModel, toLayersModel } from './index.js';
import { maxAbsDiff, scratchDirs, weightsName } from './test-utils/scratch-dirs.js';

const { freshDir } = scratchDirs();

/** A model using every supported layer, with non-trivial BatchNormalization statistics. */
function steadygradModel(): Sequential {
  const model = new Sequential(
    [
      new Flatten({ inputShape: [2, 3] }),
      new Dense({
        units: 8,
        activation: 'relu',
        kernelRegularizer: l2(0.01),
        kernelConstraint: maxNorm(2),
        biasConstraint: nonNeg(),
      }),
      new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 }),
      new Dropout({ rate: 0.3, seed: 5 }),
      new Activation({ activation: 'tanh' }),
      new Dense({
        units: 5,
        activation: 'selu',
        kernelInitializer: 'lecun_normal',
        biasRegularizer: l1l2({ l1: 0.1, l2: 0.2 }),
      }),
      new Dense({ units: 4, activation: 'softmax', useBias: false }),
    ],
    { seed: 11 },
  );
  model.build([null, 2, 3]);
  // Move the moving statistics away from (0, 1) with a few training-mode calls.
  for (let i = 0; i < 5; i++) {
    const x = tf.randomNormal([16, 2, 3], 1, 2, 'float32', i);
    tf.dispose([model.apply(x, { training: true }), x]);
  }
  return model;
}

async function readArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  const chunks = await Promise.all(
    json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFile(join(dir, p)))),
  );
  const bytes = Buffer.concat(chunks);
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
    weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    format: json.format,
  };
}

/** Saves a tfjs-layers model the way its file:// handler does: model.json + weights.bin. */
async function saveTfl(model: tfl.LayersModel, dir: string, shards = 1): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(dir, { recursive: true });
      const data = new Uint8Array(art.weightData as ArrayBuffer);
      const paths: string[] = [];
      const cut = Math.floor(data.length / shards / 4) * 4;
      for (let s = 0; s < shards; s++) {
        const p = `group1-shard${s + 1}of${shards}.bin`;
        await writeFile(join(dir, p), data.subarray(s * cut, s === shards - 1 ? data.length : (s + 1) * cut));
        paths.push(p);
      }
      const modelJson = {
        modelTopology: art.modelTopology,
        format: art.format,
        generatedBy: art.generatedBy,
        convertedBy: art.convertedBy,
        weightsManifest: [{ paths, weights: art.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

describe('steadygrad -> tfjs-layers', () => {
  it('a saved model loads in tfjs-layers and predicts the same outputs to float32 precision', async () => {
    const model = steadygradModel();
    const dir = freshDir();
    const before = tf.memory().numTensors;
    const saved = await saveLayersModel(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    const wname = await weightsName(dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', wname]);
    expect(saved.weightsPath).toBe(join(dir, wname));
    expect(saved.weightBytes).toBe(model.countParams() * 4);

    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.modelTopology.keras_version).toMatch(/steadygrad/);
    expect(json.modelTopology.backend).toBe('tensor_flow.js');
    const layers = json.modelTopology.config.layers;
    expect(layers.map((l: { class_name: string }) => l.class_name)).toEqual([
      'Flatten',
      'Dense',
      'BatchNormalization',
      'Dropout',
      'Activation',
      'Dense',
      'Dense',
    ]);
    expect(layers[0].config.batch_input_shape).toEqual([null, 2, 3]);
    expect(layers[1].config).toMatchObject({
      units: 8,
      activation: 'relu',
      use_bias: true,
      kernel_initializer: {
        class_name: 'VarianceScaling',
        config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null },
      },
      kernel_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } },
      kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: 0 } },
      bias_constraint: { class_name: 'NonNeg' },
    });
    expect(layers[2].config).toMatchObject({
      axis: -1,
      momentum: 0.9,
      epsilon: 1e-3,
      center: true,
      scale: true,
    });
    expect(layers[3].config).toMatchObject({ rate: 0.3, noise_shape: null, seed: 5 });
    expect(json.weightsManifest[0].paths).toEqual([wname]);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(
      model.parameters.map((p) => p.name),
    );

    const tflModel = await tfl.loadLayersModel(tf.io.fromMemory(await readArtifacts(dir)));
    expect(tflModel.layers.map((l) => l.getClassName())).toEqual(
      layers.map((l: { class_name: string }) => l.class_name),
    );
    const x = tf.randomNormal([32, 2, 3], 0, 3, 'float32', 7);
    const ours = model.apply(x, { training: false });
    const theirs = tflModel.predict(x) as Tensor;
    expect(theirs.shape).toEqual([32, 4]);
    expect(maxAbsDiff(ours, theirs)).toBeLessThan(2e-6);
    // The moving statistics saved are the trained ones, not the (0, 1) they started from.
    const movingMean = tflModel.layers[2]!.getWeights()[2]!;
    expect(tf.max(tf.abs(movingMean)).dataSync()[0]).toBeGreaterThan(0.05);
    tf.dispose([x, ours, theirs]);
    tflModel.dispose();
    model.dispose();
  });

  it('refuses what tfjs-layers cannot express, naming the layer, and writes nothing', async () => {
    const dir = freshDir();
    const leaky = new Sequential([
      new Dense({ units: 2, inputShape: [3] }),
      new LeakyReLU({ name: 'leaky' }),
    ]);
    leaky.build();
    await expect(saveLayersModel(leaky, dir)).rejects.toThrow(
      /layer 'leaky' \(LeakyReLU\) cannot be saved.*Dense, Flatten, Activation, BatchNormalization, Dropout/,
    );
    const hard = new Sequential([
      new Dense({ units: 2, inputShape: [3], activation: 'hard_sigmoid', name: 'gate' }),
    ]);
    hard.build();
    const err = await saveLayersModel(hard, dir).catch((e) => e);
    expect(isSteadygradError(err, 'INCOMPATIBLE')).toBe(true);
    expect(err.message).toMatch(/layer 'gate' \(Dense\).*hard_sigmoid/);
    const approx = new Sequential([
      new Dense({ units: 2, inputShape: [3], activation: gelu({ approximate: true }), name: 'g' }),
    ]);
    approx.build();
    await expect(saveLayersModel(approx, dir)).rejects.toThrow(/layer 'g' \(Dense\).*gelu_new/);
    approx.dispose();
    await expect(lstat(join(dir, 'model.json'))).rejects.toThrow();
    const unbuilt = new Sequential([new Dense({ units: 2 })]);
    await expect(saveLayersModel(unbuilt, dir)).rejects.toThrow(/not built/);
    leaky.dispose();
    hard.dispose();
  });

  it('overwrites an earlier save atomically and leaves no temporary files', async () => {
    const dir = freshDir();
    const a = steadygradModel();
    await saveLayersModel(a, dir);
    const b = new Sequential([new Dense({ units: 3, inputShape: [4], activation: 'gelu' })], { seed: 1 });
    b.build();
    await saveLayersModel(b, dir);
    // The old model's weights file is removed once the new model.json is in place.
    expect((await readdir(dir)).sort()).toEqual(['model.json', await weightsName(dir)]);
    const back = await loadLayersModel(dir);
    expect(back.layers.map((l) => l.className)).toEqual(['Dense']);
    a.dispose();
    b.dispose();
    back.dispose();
  });
});

describe('activations', () => {
  it.each([
    ['linear', {}],
    ['relu', {}],
    ['relu6', {}],
    ['elu', {}],
    ['selu', {}],
    ['gelu', {}],
    ['swish', {}],
    ['silu', {}],
    ['mish', {}],
    ['softplus', {}],
    ['sigmoid', {}],
    ['tanh', {}],
    ['softmax', {}],
  ])('%s computes the same in tfjs-layers after a save', async (label, config) => {
    const name = label.split(' ')[0]!;
    const activation = name === 'gelu' ? gelu(config) : (name as DenseOptions['activation']);
    const model = new Sequential([new Dense({ units: 3, inputShape: [2], activation, name: 'd' })], {
      seed: 9,
    });
    model.build();
    const { modelJson, weightData } = toLayersModel(model);
    const tflModel = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as never,
        weightSpecs: [...modelJson.weightsManifest[0]!.weights],
        weightData,
      }),
    );
    const x = tf.mul(tf.randomNormal([64, 2], 0, 1, 'float32', 4), 4);
    const [a, b] = [model.apply(x), tflModel.predict(x) as Tensor];
    expect(maxAbsDiff(a, b)).toBeLessThan(5e-6);
    tf.dispose([x, a, b]);
    tflModel.dispose();
    model.dispose();
  });
});

describe('tfjs-layers -> steadygrad', () => {
  async function tflModel() {
    const m = tfl.sequential();
    m.add(tfl.layers.flatten({ inputShape: [3, 2] }));
    m.add(
      tfl.layers.dense({ units: 6, activation: 'elu', kernelRegularizer: tfl.regularizers.l2({ l2: 0.05 }) }),
    );
    m.add(tfl.layers.batchNormalization({ momentum: 0.8, epsilon: 0.01 }));
    m.add(tfl.layers.dense({ units: 6, activation: 'gelu' }));
    m.add(tfl.layers.dropout({ rate: 0.25 }));
    m.add(
      tfl.layers.dense({
        units: 5,
        activation: 'mish',
        kernelConstraint: tfl.constraints.unitNorm({ axis: 0 }),
      }),
    );
    m.add(tfl.layers.dense({ units: 5, activation: 'swish', kernelInitializer: 'heNormal' }));
    m.add(tfl.layers.dense({ units: 4, activation: 'gelu_new' }));
    m.add(tfl.layers.activation({ activation: 'softmax' }));
    // Non-trivial moving statistics.
    const bn = m.layers[2]!;
    const [gamma, beta, mean, variance] = bn.getWeights();
    bn.setWeights([
      tf.add(gamma!, tf.linspace(0, 1, 6)),
      tf.add(beta!, tf.linspace(-0.5, 0.5, 6)),
      tf.add(mean!, tf.linspace(-1, 2, 6)),
      tf.add(variance!, tf.linspace(0, 3, 6)),
    ]);
    return m;
  }

  it.each([1, 2])(
    'a tfjs-layers model saved as model.json + %i weight file(s) loads and predicts the same',
    async (shards) => {
      const m = await tflModel();
      const dir = freshDir();
      await saveTfl(m, dir, shards);
      const before = tf.memory().numTensors;
      const ours = await loadLayersModel(dir);
      expect(ours.layers.map((l) => l.className)).toEqual([
        'Flatten',
        'Dense',
        'BatchNormalization',
        'Dense',
        'Dropout',
        'Dense',
        'Dense',
        'Dense',
        'Activation',
      ]);
      expect(ours.inputShape).toEqual([null, 3, 2]);
      const bn = ours.layers[2] as BatchNormalization;
      expect([bn.momentum, bn.epsilon]).toEqual([0.8, 0.01]);
      const dense = ours.layers[1] as Dense;
      expect(dense.kernelRegularizer?.name).toBe('l2');
      expect(dense.kernelRegularizer?.config).toEqual({ l2: 0.05 });
      expect((ours.layers[5] as Dense).kernelConstraint?.name).toBe('unit_norm');
      expect(ours.countParams()).toBe(m.countParams());
      const x = tf.randomNormal([20, 3, 2], 0, 2, 'float32', 3);
      const a = ours.apply(x, { training: false });
      const b = m.predict(x) as Tensor;
      expect(maxAbsDiff(a, b)).toBeLessThan(2e-6);
      tf.dispose([x, a, b]);
      ours.dispose();
      expect(tf.memory().numTensors).toBe(before);
      m.dispose();
    },
  );

  it('reads an InputLayer first, Keras 3 batch_shape and weight names with a model prefix and :0', () => {
    const json = {
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 'keras3',
          layers: [
            { class_name: 'InputLayer', config: { name: 'input', batch_shape: [null, 2], dtype: 'float32' } },
            {
              class_name: 'Dense',
              config: {
                name: 'd',
                units: 1,
                activation: 'linear',
                dtype: { class_name: 'DTypePolicy', config: { name: 'float32' } },
              },
            },
          ],
        },
      },
      weightsManifest: [
        {
          paths: ['w.bin'],
          weights: [
            { name: 'keras3/d/kernel:0', shape: [2, 1], dtype: 'float32' },
            { name: 'keras3/d/bias:0', shape: [1], dtype: 'float32' },
          ],
        },
      ],
    };
    const model = fromLayersModel(json, new Float32Array([2, 3, 0.5]).buffer);
    const y = model.apply(tf.tensor2d([[1, 1]]));
    expect(Array.from(y.dataSync())).toEqual([5.5]);
    tf.dispose(y);
    model.dispose();
  });
});

describe('steadygrad -> steadygrad', () => {
  it('round-trips names, trainable flags, regularizers, constraints and predictions', async () => {
    const model = steadygradModel();
    model.layers[1]!.trainable = false;
    const dir = freshDir();
    await saveLayersModel(model, dir);
    const back = await loadLayersModel(dir);
    expect(back.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    expect(back.layers.map((l) => l.trainable)).toEqual(model.layers.map((l) => l.trainable));
    expect(back.parameters.map((p) => p.name)).toEqual(model.parameters.map((p) => p.name));
    const dense = back.layers[1] as Dense;
    expect(dense.kernelConstraint?.config).toEqual({ maxValue: 2, axis: 0 });
    expect((back.layers[5] as Dense).biasRegularizer?.config).toEqual({ l1: 0.1, l2: 0.2 });
    const lossesA = model.regularizationLosses().map((s) => s.dataSync()[0]);
    const lossesB = back.regularizationLosses().map((s) => s.dataSync()[0]);
    expect(lossesB).toEqual(lossesA);
    const x = tf.randomNormal([8, 2, 3], 0, 1, 'float32', 1);
    const a = model.apply(x);
    const b = back.apply(x);
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
    back.dispose();
  });
});
