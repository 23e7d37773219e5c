import { isSteadygradError, RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Activation } from './activation-layer.js';
import { Dense } from './dense.js';
import { Flatten } from './flatten.js';
import { type CallContext, Layer, type Shape } from './layer.js';
import { Sequential } from './sequential.js';
import { cell11 } from './test-utils/cell11.js';

const CELL11_TABLE = [
  'Model: "sequential"',
  '_________________________________________________________________',
  ' Layer (type)                Output Shape              Param #   ',
  '=================================================================',
  ' flatten (Flatten)           (None, 784)               0         ',
  '                                                                 ',
  ' dense (Dense)               (None, 300)               235500    ',
  '                                                                 ',
  ' dense_1 (Dense)             (None, 100)               30100     ',
  '                                                                 ',
  ' dense_2 (Dense)             (None, 10)                1010      ',
  '                                                                 ',
  '=================================================================',
  'Total params: 266610 (1.02 MB)',
  'Trainable params: 266610 (1.02 MB)',
  'Non-trainable params: 0 (0.00 Byte)',
  '_________________________________________________________________',
];

/** A layer with a trainable and a non-trainable parameter that records the `training` flag it gets. */
class Probe extends Layer {
  readonly className = 'BatchNormalization';
  seenTraining: boolean[] = [];
  seenMc: (boolean | undefined)[] = [];
  override build(inputShape: Shape, rng: RandomStream): void {
    const n = inputShape[inputShape.length - 1] as number;
    const init = tf.ones([n]);
    this.addParameter('gamma', init);
    this.addParameter('moving_mean', init, { trainable: false });
    init.dispose();
    super.build(inputShape, rng);
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    this.seenTraining.push(ctx.training);
    this.seenMc.push(ctx.mcDropout);
    return tf.clone(x);
  }
}

describe('Sequential', () => {
  beforeAll(() => registerGradients());

  it('seed cell 11: builds eagerly from the first inputShape and counts parameters like Keras', () => {
    const model = cell11();
    expect(model.built).toBe(true);
    expect(model.inputShape).toEqual([null, 28, 28]);
    expect(model.outputShape).toEqual([null, 10]);
    expect(model.layers.map((l) => l.name)).toEqual(['flatten', 'dense', 'dense_1', 'dense_2']);
    const lines: string[] = [];
    const summary = model.summary({ print: (line) => lines.push(line) });
    // Hand-computed: 784·300 + 300 = 235500; 300·100 + 100 = 30100; 100·10 + 10 = 1010.
    expect(summary.layers.map((l) => l.params)).toEqual([0, 784 * 300 + 300, 300 * 100 + 100, 100 * 10 + 10]);
    expect(summary.layers.map((l) => l.outputShape)).toEqual([
      [null, 784],
      [null, 300],
      [null, 100],
      [null, 10],
    ]);
    expect(summary.totalParams).toBe(266610);
    expect(summary.trainableParams).toBe(266610);
    expect(summary.nonTrainableParams).toBe(0);
    expect(model.countParams()).toBe(266610);
    expect(lines).toEqual(CELL11_TABLE);
    model.dispose();
  });

  it('wraps long names over several lines as Keras does (seed cell 6)', () => {
    const model = new Sequential([new Flatten({ inputShape: [28, 28] }), new Probe(), new Probe()]);
    const lines: string[] = [];
    const summary = model.summary({ print: (line) => lines.push(line) });
    expect(lines.slice(6, 12)).toEqual([
      ' batch_normalization (Batch  (None, 784)               1568      ',
      ' Normalization)                                                  ',
      '                                                                 ',
      ' batch_normalization_1 (Bat  (None, 784)               1568      ',
      ' chNormalization)                                                ',
      '                                                                 ',
    ]);
    expect(summary.trainableParams).toBe(1568);
    expect(summary.nonTrainableParams).toBe(1568);
    expect(lines).toContain('Non-trainable params: 1568 (6.12 KB)');
    model.dispose();
  });

  it('seed cell 7: variables with names and trainable flags', () => {
    const model = new Sequential([new Flatten({ inputShape: [4] }), new Probe(), new Dense(2)]);
    expect(model.layers[1]!.parameters.map((p) => [p.name, p.trainable])).toEqual([
      ['batch_normalization/gamma', true],
      ['batch_normalization/moving_mean', false],
    ]);
    expect(model.layers[2]!.parameters.map((p) => [p.name, p.trainable])).toEqual([
      ['dense/kernel', true],
      ['dense/bias', true],
    ]);
    model.dispose();
  });

  it('names unnamed layers uniquely within the model, keeps given and shared names, rejects duplicates', () => {
    const a = new Sequential([
      new Dense(3),
      new Dense(3, { name: 'dense_1' }),
      new Dense(3),
      new Activation('relu'),
    ]);
    expect(a.layers.map((l) => l.name)).toEqual(['dense', 'dense_1', 'dense_2', 'activation']);
    // No global counter: a second model starts over.
    const b = new Sequential([new Dense(3)]);
    expect(b.layers[0]!.name).toBe('dense');
    // Shared layers keep their names (seed cell 13).
    const c = new Sequential(a.layers.slice(0, 2));
    c.add(new Dense(1));
    expect(c.layers.map((l) => l.name)).toEqual(['dense', 'dense_1', 'dense_2']);
    expect(() => new Sequential([new Dense(1, { name: 'x' }), new Dense(1, { name: 'x' })])).toThrow(
      /names must be unique within a model: 'x'/,
    );
    const layer = new Dense(1);
    expect(() => new Sequential([layer, layer])).toThrow(/already in model/);
    expect(() => new Sequential([{} as Layer])).toThrow(/expects a Layer/);
  });

  it('seed cell 13: shares built layers with a new model; freezing excludes their parameters, the training flag passes unchanged (Keras 3)', () => {
    const probe = new Probe();
    const modelA = new Sequential([new Flatten({ inputShape: [2, 2] }), probe, new Dense(3), new Dense(5)], {
      seed: 1,
    });
    const modelB = new Sequential(modelA.layers.slice(0, -1), { seed: 2 });
    modelB.add(new Dense(1, { activation: 'sigmoid' }));
    expect(modelB.built).toBe(true);
    expect(modelB.layers[1]).toBe(probe);
    expect(modelB.parameters[0]).toBe(modelA.parameters[0]);
    expect(modelB.layers.map((l) => l.name)).toEqual(['flatten', 'batch_normalization', 'dense', 'dense_1']);
    for (const layer of modelB.layers.slice(0, -1)) layer.trainable = false;
    expect(modelB.trainableParameters.map((p) => p.name)).toEqual(['dense_1/kernel', 'dense_1/bias']);
    expect(modelB.nonTrainableParameters.map((p) => p.name)).toEqual([
      'batch_normalization/gamma',
      'batch_normalization/moving_mean',
      'dense/kernel',
      'dense/bias',
    ]);
    const x = tf.ones([3, 2, 2]);
    const before = tf.memory().numTensors;
    const y = modelB.apply(x, { training: true });
    expect(y.shape).toEqual([3, 1]);
    y.dispose();
    // Keras 3: the flag reaches a frozen layer unchanged; a layer that must act differently when frozen
    // (BatchNormalization) checks its own `trainable` (tested in @steadygrad/normalization).
    expect(probe.seenTraining).toEqual([true]);
    for (const layer of modelB.layers) layer.trainable = true;
    const y2 = modelB.apply(x, { training: true, mcDropout: true });
    y2.dispose();
    expect(probe.seenTraining).toEqual([true, true]);
    expect(probe.seenMc).toEqual([undefined, true]);
    expect(modelB.trainableParameters.length).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    modelB.dispose();
    // Shared parameters are freed with either model.
    expect(modelA.parameters[0]!.variable.isDisposed).toBe(true);
    modelA.dispose();
  });

  it('is deterministic: the same seed gives identical weights, another seed different ones', () => {
    const read = (m: Sequential) => m.parameters.map((p) => Array.from(p.variable.dataSync()));
    const m1 = cell11(42);
    const m2 = cell11(42);
    const m3 = cell11(43);
    expect(read(m1)).toEqual(read(m2));
    expect(read(m1)[0]).not.toEqual(read(m3)[0]);
    // Lazily built (from the first batch) gives the same weights as eagerly built.
    const lazy = new Sequential(
      [new Flatten(), new Dense(300, { activation: 'relu' }), new Dense(100), new Dense(10)],
      {
        seed: 42,
      },
    );
    expect(lazy.built).toBe(false);
    expect(lazy.inputShape).toBeUndefined();
    const x = tf.zeros([1, 28, 28]);
    lazy.apply(x).dispose();
    x.dispose();
    expect(lazy.inputShape).toEqual([null, 28, 28]);
    expect(read(lazy)[0]).toEqual(read(m1)[0]);
    // The bias initializer is zeros and the kernel glorot_uniform within ±sqrt(6 / (784 + 300)).
    const limit = Math.sqrt(6 / (784 + 300));
    expect((read(m1)[0] as number[]).reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeLessThanOrEqual(
      limit,
    );
    expect((read(m1)[1] as number[]).every((v) => v === 0)).toBe(true);
    for (const m of [m1, m2, m3, lazy]) m.dispose();
  });

  it('validates the input shape and knows when it cannot build', () => {
    const model = cell11();
    const bad = tf.zeros([2, 784]);
    const before = tf.memory().numTensors;
    try {
      model.apply(bad);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toContain(
        "layer 'flatten' (Flatten) expects input shape (None, 28, 28), got [2, 784]",
      );
    }
    // A failure in a later layer frees the intermediates computed so far.
    const deep = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense(3), new Probe()]);
    (deep.layers[2] as Probe).call = () => {
      throw new Error('boom');
    };
    const small = tf.zeros([1, 2, 2]);
    const mid = tf.memory().numTensors;
    expect(() => deep.apply(small)).toThrow('boom');
    expect(tf.memory().numTensors).toBe(mid);
    small.dispose();
    deep.dispose();
    expect(tf.memory().numTensors).toBe(before);
    bad.dispose();
    expect(() => model.build([null, 28, 27])).toThrow(/expects input shape \(None, 28, 28\)/);
    model.dispose();

    const unbuilt = new Sequential([new Dense(3)]);
    expect(() => unbuilt.summary({ print: () => {} })).toThrow(/not built and its input shape is unknown/);
    try {
      unbuilt.build();
    } catch (e) {
      expect(isSteadygradError(e, 'NOT_BUILT')).toBe(true);
    }
    unbuilt.build([null, 4]);
    expect(unbuilt.outputShape).toEqual([null, 3]);
    // Layers added to a built model are built right away.
    unbuilt.add(new Dense(2));
    expect(unbuilt.layers[1]!.built).toBe(true);
    expect(unbuilt.outputShape).toEqual([null, 2]);
    unbuilt.dispose();
    expect(() => new Sequential([], { seed: -1 })).toThrow(/seed must be an integer >= 0/);
    const empty = new Sequential();
    const x = tf.ones([1, 2]);
    expect(() => empty.apply(x)).toThrow(/has no layers/);
    x.dispose();
  });

  it('collects regularization losses, activity losses and applies constraints across layers', () => {
    const l1 = {
      name: 'l1',
      config: { l1: 1 },
      penalty: (w: Tensor) => tf.tidy(() => tf.sum(tf.abs(w)) as tf.Scalar),
    };
    const nonNeg = { name: 'non_neg', config: {}, apply: (w: Tensor) => tf.relu(w) };
    const model = new Sequential([
      new Dense(2, { kernelRegularizer: l1, biasRegularizer: l1, inputShape: [3] }),
      new Dense(1, { kernelConstraint: nonNeg, activityRegularizer: l1 }),
    ]);
    const before = tf.memory().numTensors;
    const penalties = model.regularizationLosses();
    expect(penalties.length).toBe(2);
    tf.dispose(penalties);
    const x = tf.ones([2, 3]);
    const losses: tf.Scalar[] = [];
    const y = model.apply(x, { losses, training: true });
    expect(losses.length).toBe(1);
    expect(losses[0]!.dataSync()[0]).toBeCloseTo(
      Array.from(y.dataSync()).reduce((a, b) => a + Math.abs(b), 0),
      5,
    );
    tf.dispose([x, y, ...losses]);
    model.applyConstraints();
    expect(Array.from(model.layers[1]!.parameters[0]!.variable.dataSync()).every((v) => v >= 0)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('leaks no tensors over forward passes and a gradient step', () => {
    const model = cell11(3);
    const x = tf.randomUniform([4, 28, 28], 0, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      model.apply(x);
    });
    model.apply(x, { training: true }).dispose();
    const vars = model.trainableParameters.map((p) => p.variable);
    const { value, grads } = tf.variableGrads(
      () => tf.mean(model.apply(x, { training: true })) as tf.Scalar,
      vars,
    );
    expect(Object.keys(grads).length).toBe(6);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    model.dispose();
    expect(model.parameters.every((p) => p.variable.isDisposed)).toBe(true);
  });

  it('gives each layer the fork of the seed stream at its position', () => {
    const model = new Sequential([new Dense(2, { inputShape: [3] })], { seed: 5 });
    const root = new RandomStream(5);
    const expected = new Dense(2);
    expected.build([null, 3], root.fork());
    expect(Array.from(model.parameters[0]!.variable.dataSync())).toEqual(
      Array.from(expected.kernel.variable.dataSync()),
    );
    expected.dispose();
    model.dispose();
  });
});
