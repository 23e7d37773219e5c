import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import {
  AveragePooling2D,
  Conv1D,
  Conv2D,
  Dense,
  DepthwiseConv2D,
  Flatten,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  MaxPooling2D,
  ReLU,
  Reshape,
  SeparableConv2D,
  Sequential,
  ZeroPadding2D,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { l2, maxNorm } from '@steadygrad/regularization';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromLayersModel, loadLayersModel, saveLayersModel } from './index.js';

let root: string;
let n = 0;
beforeAll(async () => {
  registerGradients();
  root = await mkdtemp(join(tmpdir(), 'steadygrad-interop-conv-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
const freshDir = () => join(root, `m${n++}`);

const maxAbsDiff = (a: Tensor, b: Tensor): number =>
  tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

async function saveTfl(model: tfl.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'weights.bin'), new Uint8Array(art.weightData as ArrayBuffer));
      const json = {
        modelTopology: art.modelTopology,
        format: art.format,
        weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

async function loadTfl(dir: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
  // saveLayersModel names the weights file by its content (weights-<hash>.bin), as the manifest says.
  const bytes = await readFile(join(dir, json.weightsManifest[0].paths[0]));
  return tfl.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
}

/** Moves every weight of a tfjs-layers model away from its initial value (BN statistics included). */
function perturb(m: tfl.LayersModel): void {
  let seed = 1;
  for (const layer of m.layers) {
    const ws = layer.getWeights();
    if (ws.length === 0) continue;
    layer.setWeights(
      ws.map((w) =>
        tf.tidy(() => {
          const noise = tf.randomUniform(w.shape, 0.1, 0.6, 'float32', seed++);
          return layer.getClassName() === 'BatchNormalization'
            ? tf.add(w, noise)
            : tf.add(w, tf.sub(noise, 0.35));
        }),
      ),
    );
  }
}

describe('tfjs-layers conv models -> steadygrad', () => {
  it('a MobileNet-v1-shaped tfjs-layers model loads and predicts within 1e-5', async () => {
    const m = tfl.sequential();
    m.add(
      tfl.layers.conv2d({
        inputShape: [17, 17, 3],
        filters: 8,
        kernelSize: 3,
        strides: 2,
        padding: 'same',
        useBias: false,
      }),
    );
    m.add(tfl.layers.batchNormalization());
    m.add(tfl.layers.reLU({ maxValue: 6 }));
    m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', useBias: false }));
    m.add(tfl.layers.batchNormalization());
    m.add(tfl.layers.reLU({ maxValue: 6 }));
    m.add(tfl.layers.conv2d({ filters: 16, kernelSize: 1, activation: 'relu6' }));
    m.add(
      tfl.layers.zeroPadding2d({
        padding: [
          [0, 1],
          [0, 1],
        ],
      }),
    );
    m.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2 }));
    m.add(tfl.layers.separableConv2d({ filters: 12, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 1 }));
    m.add(tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }));
    m.add(tfl.layers.conv2d({ filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same' }));
    m.add(tfl.layers.globalAveragePooling2d({}));
    m.add(tfl.layers.reshape({ targetShape: [3, 2] }));
    m.add(tfl.layers.conv1d({ filters: 4, kernelSize: 2, strides: 1 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 5 })); // linear: a softmax could hide an error
    perturb(m);
    const dir = freshDir();
    await saveTfl(m, dir);
    const x = tf.randomNormal([4, 17, 17, 3], 0, 1, 'float32', 3);
    const b = m.predict(x) as Tensor;
    const before = tf.memory().numTensors;
    const ours = await loadLayersModel(dir);
    expect(ours.layers.map((l) => l.className)).toEqual(m.layers.map((l) => l.getClassName()));
    expect(ours.countParams()).toBe(m.countParams());
    const a = ours.apply(x);
    expect(a.shape).toEqual([4, 5]);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    expect(tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0])).toBeGreaterThan(0.01);
    a.dispose();
    ours.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, b]);
    m.dispose();
  });
});

describe('functional conv models, both ways', () => {
  it('a small ResNet-shaped tfjs-layers model (residual Add, projection shortcut, GAP) loads within 1e-5 and goes back to tfjs-layers', async () => {
    const conv = (filters: number, kernelSize: number, strides = 1) =>
      tfl.layers.conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false });
    const bn = () => tfl.layers.batchNormalization();
    const relu = () => tfl.layers.reLU();
    const apply = (layer: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) =>
      layer.apply(x) as tfl.SymbolicTensor;
    const inp = tfl.input({ shape: [16, 16, 3] });
    let x = apply(relu(), apply(bn(), apply(conv(8, 3), inp)));
    // Identity block.
    let y = apply(relu(), apply(bn(), apply(conv(8, 3), x)));
    y = apply(bn(), apply(conv(8, 3), y));
    x = apply(relu(), apply(tfl.layers.add(), [x, y]));
    // Downsampling block with a 1×1 projection shortcut.
    let z = apply(relu(), apply(bn(), apply(conv(16, 3, 2), x)));
    z = apply(bn(), apply(conv(16, 3), z));
    const shortcut = apply(bn(), apply(conv(16, 1, 2), x));
    x = apply(relu(), apply(tfl.layers.add(), [z, shortcut]));
    const out = apply(tfl.layers.dense({ units: 5 }), apply(tfl.layers.globalAveragePooling2d({}), x));
    const m = tfl.model({ inputs: inp, outputs: out });
    perturb(m);
    const dir = freshDir();
    await saveTfl(m, dir);
    const x0 = tf.randomNormal([3, 16, 16, 3], 0, 1, 'float32', 5);
    const b = m.predict(x0) as Tensor;
    const before = tf.memory().numTensors;
    const ours = await loadLayersModel(dir);
    expect(ours.countParams()).toBe(m.countParams());
    expect(ours.layers.filter((l) => l.className === 'Add')).toHaveLength(2);
    const a = ours.apply(x0);
    expect(a.shape).toEqual([3, 5]);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    expect(tf.tidy(() => tf.max(tf.abs(b)).dataSync()[0])).toBeGreaterThan(0.01);
    // steadygrad's functional model saved again and loaded in tfjs-layers: the same outputs.
    const dir2 = freshDir();
    await saveLayersModel(ours, dir2);
    const theirs = await loadTfl(dir2);
    const c = theirs.predict(x0) as Tensor;
    expect(maxAbsDiff(c, a)).toBeLessThan(1e-5);
    tf.dispose([a, c]);
    theirs.dispose();
    ours.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x0, b]);
    m.dispose();
  });
});

describe('steadygrad conv models -> tfjs-layers', () => {
  it('every new layer saves in the tfjs-layers format, loads in tfjs-layers and predicts within 1e-5', async () => {
    const model = new Sequential(
      [
        new ZeroPadding2D({ padding: 1, inputShape: [12, 12, 2] }),
        new Conv2D({
          filters: 6,
          kernelSize: 3,
          strides: 2,
          kernelRegularizer: l2(0.01),
          kernelConstraint: maxNorm(2, { axis: [0, 1, 2] }),
        }),
        new BatchNormalization(),
        new ReLU({ maxValue: 6 }),
        new DepthwiseConv2D({ kernelSize: 3, padding: 'same', depthMultiplier: 2, activation: 'relu' }),
        new SeparableConv2D({ filters: 8, kernelSize: 3, padding: 'same', dilationRate: 2 }),
        new MaxPooling2D({ poolSize: 2 }),
        new AveragePooling2D({ poolSize: 2, strides: 1, padding: 'same' }),
        new Conv2D({ filters: 4, kernelSize: 1, activation: 'tanh' }),
        new GlobalMaxPooling2D(),
        new Reshape({ targetShape: [2, 2] }),
        new Conv1D({ filters: 3, kernelSize: 2, padding: 'same' }),
        new Flatten(),
        new Dense({ units: 3 }),
      ],
      { seed: 4 },
    );
    model.build();
    for (const p of model.parameters) {
      const t = tf.randomUniform(p.shape, 0.2, 0.9, 'float32', p.size);
      p.assign(t);
      t.dispose();
    }
    const dir = freshDir();
    const before = tf.memory().numTensors;
    await saveLayersModel(model, dir);
    expect(tf.memory().numTensors).toBe(before);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers;
    expect(layers[1]).toMatchObject({
      class_name: 'Conv2D',
      config: {
        filters: 6,
        kernel_size: [3, 3],
        strides: [2, 2],
        padding: 'valid',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        kernel_constraint: { class_name: 'MaxNorm', config: { max_value: 2, axis: [0, 1, 2] } },
      },
    });
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(
      model.parameters.map((p) => p.name),
    );
    const theirs = await loadTfl(dir);
    expect(theirs.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.className));
    const x = tf.randomNormal([3, 12, 12, 2], 0, 1, 'float32', 9);
    const a = model.apply(x);
    const b = theirs.predict(x) as Tensor;
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    // And back into steadygrad: the same model.
    const back = await loadLayersModel(dir);
    const c = back.apply(x);
    expect(maxAbsDiff(a, c)).toBe(0);
    tf.dispose([x, a, b, c]);
    theirs.dispose();
    back.dispose();
    model.dispose();
  });

  it('refuses channels_first and reports a bad conv config or an oversized kernel naming the layer, leaking nothing', () => {
    const entry = (cls: string, config: object) => ({
      format: 'layers-model',
      modelTopology: {
        class_name: 'Sequential',
        config: {
          name: 's',
          layers: [{ class_name: cls, config: { name: 'c', batch_input_shape: [null, 8, 8, 3], ...config } }],
        },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [] }],
    });
    const before = tf.memory().numTensors;
    const cases: [object, string, RegExp][] = [
      [
        entry('Conv2D', { filters: 2, kernel_size: [3, 3], data_format: 'channels_first' }),
        'INCOMPATIBLE',
        /layer 'c' \(Conv2D\): data_format "channels_first" is not supported/,
      ],
      [
        entry('Conv2D', { filters: 2, kernel_size: [3, 0] }),
        'CORRUPT_DATA',
        /layer 'c' \(Conv2D\).*kernelSize must be a positive integer/,
      ],
      [
        entry('Conv2D', { filters: 100000, kernel_size: [300, 300] }),
        'CORRUPT_DATA',
        /layer 'c' \(Conv2D\): weight 'c\/kernel' \[300, 300, 3, 100000\] needs 27000000000 values, but the weight data holds 0 float32 values/,
      ],
      [
        entry('MaxPooling2D', { pool_size: [9, 9] }),
        'SHAPE_MISMATCH',
        /layer 'c' \(MaxPooling2D\): its window \(9 on axis 1/,
      ],
    ];
    for (const [json, code, re] of cases) {
      let err: unknown;
      try {
        fromLayersModel(json, new Uint8Array(0));
      } catch (e) {
        err = e;
      }
      expect(isSteadygradError(err, code as never), String(err)).toBe(true);
      expect((err as Error).message).toMatch(re);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('GlobalAveragePooling2D keepdims is written only when set', async () => {
    const model = new Sequential([new GlobalAveragePooling2D({ inputShape: [2, 2, 1], keepdims: true })]);
    model.build();
    const dir = freshDir();
    await saveLayersModel(model, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.modelTopology.config.layers[0].config.keepdims).toBe(true);
    const back = await loadLayersModel(dir);
    expect((back.layers[0] as GlobalAveragePooling2D).keepdims).toBe(true);
    back.dispose();
    model.dispose();
  });
});
