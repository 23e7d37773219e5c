import { isSteadygradError, tf } from '@steadygrad/core';
import {
  Activation,
  Add,
  AveragePooling2D,
  Concatenate,
  Conv1D,
  Conv2D,
  Dense,
  DepthwiseConv2D,
  Flatten,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  input,
  type Layer,
  LeakyReLU,
  MaxPooling2D,
  Model,
  Multiply,
  ReLU,
  Reshape,
  SeparableConv2D,
  Sequential,
  ZeroPadding2D,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { Dropout } from '@steadygrad/regularization';
import { describe, expect, it } from 'vitest';
import { parseFunctional } from './functional-json.js';
import { makeLayer } from './layer-from-keras.js';
import { planFunctional, planSequential } from './parameter-plan.js';
import { declaredShape } from './read-layers-model-json.js';
import { SUPPORTED_LAYERS, toLayersModel } from './to-layers-model.js';

const MERGE_LAYERS = ['Add', 'Multiply', 'Concatenate'];

/** Every supported class, in the configurations that change which parameters it creates. */
function layers(): Layer[] {
  return [
    new Flatten({ name: 'f' }),
    new Dense({ name: 'd1', units: 7 }),
    new BatchNormalization({ name: 'bn1' }),
    new BatchNormalization({ name: 'bn2', center: false }),
    new BatchNormalization({ name: 'bn3', scale: false, center: false }),
    new Dropout({ name: 'drop', rate: 0.5 }),
    new Activation({ name: 'act', activation: 'relu' }),
    new Dense({ name: 'd2', units: 3, useBias: false }),
    new BatchNormalization({ name: 'bn4', axis: 1 }),
  ];
}

/** The conv-family classes, in the configurations that change which parameters they create (on [12, 12, 4]). */
function convLayers(): Layer[] {
  return [
    new ZeroPadding2D({ name: 'pad', padding: 1 }),
    new Conv2D({ name: 'c1', filters: 6, kernelSize: 3, groups: 2 }),
    new ReLU({ name: 'relu', maxValue: 6 }),
    new DepthwiseConv2D({ name: 'dw', kernelSize: [3, 2], depthMultiplier: 2, useBias: false }),
    new SeparableConv2D({ name: 'sep', filters: 5, kernelSize: 3, padding: 'same', depthMultiplier: 3 }),
    new MaxPooling2D({ name: 'max', poolSize: 2 }),
    new AveragePooling2D({ name: 'avg', poolSize: 2, strides: 1, padding: 'same' }),
    new Conv2D({ name: 'c2', filters: 4, kernelSize: 1, useBias: false }),
    new GlobalMaxPooling2D({ name: 'gmp', keepdims: true }),
    new GlobalAveragePooling2D({ name: 'gap' }),
    new Reshape({ name: 'rs', targetShape: [2, 2] }),
    new Conv1D({ name: 'c3', filters: 3, kernelSize: 2 }),
  ];
}

describe('planSequential', () => {
  it('predicts exactly the parameters a real build creates, for every supported layer class', () => {
    const ls = layers();
    const conv = convLayers();
    expect(new Set([...[...ls, ...conv].map((l) => l.className), ...MERGE_LAYERS])).toEqual(
      new Set(SUPPORTED_LAYERS),
    );
    const before = tf.memory().numTensors;
    const plan = planSequential(ls, [null, 2, 3], 'model.json');
    expect(tf.memory().numTensors).toBe(before);
    const model = new Sequential(ls, { seed: 1 });
    model.build([null, 2, 3]);
    expect(plan.parameters.map((p) => [p.name, [...p.shape]])).toEqual(
      model.parameters.map((p) => [p.name, p.shape]),
    );
    expect(plan.totalValues).toBe(model.countParams());
    model.dispose();

    const convPlan = planSequential(conv, [null, 12, 12, 4], 'model.json');
    expect(tf.memory().numTensors).toBe(before);
    const convModel = new Sequential(conv, { seed: 1 });
    convModel.build([null, 12, 12, 4]);
    expect(convPlan.parameters.map((p) => [p.name, [...p.shape]])).toEqual(
      convModel.parameters.map((p) => [p.name, p.shape]),
    );
    expect(convPlan.parameters.map((p) => p.name)).toContain('sep/pointwise_kernel');
    expect(convPlan.totalValues).toBe(convModel.countParams());
    convModel.dispose();
  });

  it('stops at the first parameter past the budget, and refuses classes it does not know', () => {
    const many = Array.from({ length: 1000 }, (_, i) => new Dense({ name: `d${i}`, units: 500 }));
    try {
      planSequential(many, [null, 500], 'm.json', { maxValues: 500 * 500 + 500 });
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'CORRUPT_DATA')).toBe(true);
      expect((e as Error).message).toBe(
        "m.json: layer 'd1' (Dense): its weight 'd1/kernel' [500, 500] brings the model to 500500 parameters, but m.json provides 250500 float32 values in all",
      );
    }
    expect(() => planSequential([new LeakyReLU({ name: 'lr' })], [null, 4], 'm.json')).toThrow(
      "m.json: layer 'lr' (LeakyReLU): the loader cannot tell which parameters a LeakyReLU layer creates",
    );
    expect(() => planSequential([new Dense({ name: 'd', units: 2 })], [null], 'm.json')).toThrow(
      /needs an input of rank >= 2/,
    );
  });
});

describe('planFunctional', () => {
  it('predicts the parameters of a functional build (merge layers, a shared layer) with nothing allocated', () => {
    const a = input({ shape: [5], name: 'a' });
    const b = input({ shape: [5], name: 'b' });
    const shared = new Dense({ units: 6, name: 'shared' });
    const sum = new Add({ name: 'sum' }).apply([shared.apply(a), shared.apply(b)]);
    const gated = new Multiply({ name: 'gated' }).apply([
      sum,
      new Dense({ units: 6, name: 'gate' }).apply(a),
    ]);
    const cat = new Concatenate({ name: 'cat' }).apply([gated, b]);
    const bn = new BatchNormalization({ name: 'bn', center: false }).apply(cat);
    const out = new Dense({ units: 2, name: 'out', useBias: false }).apply(bn);
    const model = new Model({ inputs: [a, b], outputs: out, seed: 2 });
    const json = toLayersModel(model).modelJson;
    model.dispose();
    const before = tf.memory().numTensors;
    const graph = parseFunctional(json.modelTopology.config as unknown as Record<string, unknown>, 'g.json');
    const plan = planFunctional(graph, 'g.json', { makeLayer, inputShape: declaredShape });
    expect(tf.memory().numTensors).toBe(before);
    expect(plan.parameters.map((p) => [p.name, [...p.shape]])).toEqual([
      ['shared/kernel', [5, 6]],
      ['shared/bias', [6]],
      ['gate/kernel', [5, 6]],
      ['gate/bias', [6]],
      ['bn/gamma', [11]],
      ['bn/moving_mean', [11]],
      ['bn/moving_variance', [11]],
      ['out/kernel', [11, 2]],
    ]);
    expect(plan.totalValues).toBe(30 + 6 + 30 + 6 + 33 + 22);
  });
});
