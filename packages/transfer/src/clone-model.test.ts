import { isSteadygradError, type RandomStream, type Regularizer, type Tensor, tf } from '@steadygrad/core';
import {
  Activation,
  type CallContext,
  Dense,
  Flatten,
  Layer,
  type LayerOptions,
  LeakyReLU,
  Sequential,
  type Shape,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { sgd } from '@steadygrad/optim';
import { Dropout, l2, maxNorm } from '@steadygrad/regularization';
import { compile } from '@steadygrad/train';
import { describe, expect, it } from 'vitest';
import { cloneLayer } from './clone-layer.js';
import { cloneModel, copyWeights } from './clone-model.js';
import { binaryData, modelA, values } from './test-utils/models.js';

function bnModel(seed = 5): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [4, 4] }),
      new Dense(8, { kernelRegularizer: l2(0.01), kernelConstraint: maxNorm(3) }),
      new BatchNormalization({ momentum: 0.9 }),
      new Activation('elu'),
      new Dropout(0.2),
      new LeakyReLU({ alpha: 0.2 }),
      new Dense(1, { activation: 'sigmoid' }),
    ],
    { seed, name: 'bn_model' },
  );
}

describe('cloneModel', () => {
  it('copies configuration and weights bit for bit, sharing nothing', async () => {
    const before = tf.memory().numTensors;
    const a = bnModel();
    const { x, y } = binaryData(64);
    // Move the BN moving statistics away from their initial values first.
    const ta = compile(a, { loss: 'binary_crossentropy', optimizer: sgd({ learningRate: 0.05 }) });
    await ta.fit(x, y, { epochs: 1, batchSize: 16 });
    ta.dispose();

    const b = cloneModel(a);
    expect(b.name).toBe('bn_model');
    expect(b.layers.map((l) => l.name)).toEqual(a.layers.map((l) => l.name));
    expect(b.layers.map((l) => l.getConfig())).toEqual(a.layers.map((l) => l.getConfig()));
    expect(b.parameters.map((p) => p.name)).toEqual(a.parameters.map((p) => p.name));
    b.layers.forEach((l, i) => {
      expect(l).not.toBe(a.layers[i]);
    });
    // Same objects for activations, regularizers and constraints (their own options survive).
    const denseA = a.layers[1] as Dense;
    const denseB = b.layers[1] as Dense;
    expect(denseB.kernelRegularizer).toBe(denseA.kernelRegularizer);
    expect(denseB.kernelConstraint).toBe(denseA.kernelConstraint);
    expect((b.layers[5] as LeakyReLU).alpha).toBe(0.2);
    const weightsA = values(a.parameters);
    expect(values(b.parameters)).toEqual(weightsA);
    // The moving statistics moved, and were copied.
    const bnA = a.layers[2] as BatchNormalization;
    expect(Array.from(bnA.movingVariance.variable.dataSync()).some((v) => v !== 1)).toBe(true);

    // Same predictions in inference mode.
    const pa = a.apply(x);
    const pb = b.apply(x);
    expect(Array.from(pb.dataSync())).toEqual(Array.from(pa.dataSync()));
    tf.dispose([pa, pb]);

    // Training the clone leaves the source bit-identical (the seed's remedy, cell 14).
    const tb = compile(b, { loss: 'binary_crossentropy', optimizer: sgd({ learningRate: 0.05 }) });
    await tb.fit(x, y, { epochs: 2, batchSize: 16 });
    tb.dispose();
    expect(values(a.parameters)).toEqual(weightsA);
    expect(values(b.parameters)).not.toEqual(weightsA);

    a.dispose();
    b.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('withWeights: false initializes afresh from the seed, like a new model of the same seed', () => {
    const before = tf.memory().numTensors;
    const a = modelA(1);
    const fresh = cloneModel(a, { withWeights: false, seed: 9 });
    const reference = modelA(9);
    expect(values(fresh.parameters)).toEqual(values(reference.parameters));
    expect(values(fresh.parameters)).not.toEqual(values(a.parameters));
    for (const m of [a, fresh, reference]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps trainable flags and copies unbuilt models unbuilt', () => {
    const a = modelA();
    a.layers[1]!.trainable = false;
    const b = cloneModel(a);
    expect(b.layers[1]!.trainable).toBe(false);
    expect(b.trainableParameters.map((p) => p.name)).toEqual(a.trainableParameters.map((p) => p.name));
    a.dispose();
    b.dispose();
    const lazy = new Sequential([new Dense(3), new Dense(2)]);
    const copy = cloneModel(lazy);
    expect(copy.built).toBe(false);
    expect(copy.layers.map((l) => l.getConfig())).toEqual(lazy.layers.map((l) => l.getConfig()));
  });

  it('refuses layers it cannot recreate, and takes a cloneFunction for them', () => {
    class Scale extends Layer {
      readonly className: string = 'Scale';
      constructor(readonly factor: number) {
        super({});
      }
      call(x: Tensor, _ctx: CallContext): Tensor {
        return tf.mul(x, this.factor);
      }
      override getConfig(): Record<string, unknown> {
        return { ...super.getConfig(), factor: this.factor };
      }
    }
    const layer = new Scale(3);
    expect(() => cloneLayer(layer)).toThrow(/the clone of layer 'scale' \(Scale\) differs from it/);
    try {
      cloneLayer(layer);
    } catch (e) {
      expect(isSteadygradError(e, 'INCOMPATIBLE')).toBe(true);
    }
    const copy = cloneLayer(layer, {
      cloneFunction: (l) => (l instanceof Scale ? new Scale(l.factor) : undefined),
    });
    expect(copy).toBeInstanceOf(Scale);
    expect((copy as Scale).factor).toBe(3);
    expect(() => cloneLayer(layer, { cloneFunction: (l) => l })).toThrow(/must return a new Layer/);
  });

  it('carries the γ/β regularizers and constraints of BatchNormalization (the same objects)', () => {
    const before = tf.memory().numTensors;
    const reg = l2(0.1);
    const con = maxNorm(0.5, { axis: 0 });
    const a = new Sequential(
      [
        new Flatten({ inputShape: [4, 4] }),
        new BatchNormalization({ gammaRegularizer: reg, betaConstraint: con }),
      ],
      { seed: 1 },
    );
    const b = cloneModel(a);
    expect(b.layers[1]!.getConfig()).toEqual(a.layers[1]!.getConfig());
    expect(b.layers[1]!.getConfig()).toMatchObject({
      gammaRegularizer: { name: reg.name, config: reg.config },
      betaConstraint: { name: con.name, config: con.config },
    });
    // γ = 1 (16 values): the l2 penalty is 0.1·16 on both.
    const [pa, pb] = [a.regularizationLosses(), b.regularizationLosses()];
    expect(pa.map((t) => t.dataSync()[0])).toEqual([expect.closeTo(1.6, 6)]);
    expect(pb.map((t) => t.dataSync()[0])).toEqual(pa.map((t) => t.dataSync()[0]));
    tf.dispose([...pa, ...pb]);
    // The β constraint acts on the clone: β set to 2 everywhere (norm 8 along its only axis) is projected to
    // norm 0.5, so each value becomes 2·0.5/8 = 0.125.
    const beta = b.layers[1]!.parameters.find((p) => p.name.endsWith('/beta'))!;
    const twos = tf.fill([16], 2);
    beta.assign(twos);
    twos.dispose();
    b.applyConstraints();
    expect(Array.from(beta.variable.dataSync())).toEqual(new Array(16).fill(expect.closeTo(0.125, 6)));
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('detects regularizers a custom layer loses in its clone options', () => {
    const before = tf.memory().numTensors;
    class Penalized extends Layer {
      readonly className: string = 'Penalized';
      readonly regularizer: Regularizer | undefined;
      // Like many custom layers: an options object, and a getConfig() that leaves the regularizer out.
      constructor(options: LayerOptions & { regularizer?: Regularizer } = {}) {
        super(options);
        this.regularizer = options.regularizer;
      }
      override build(inputShape: Shape, rng: RandomStream): void {
        const initial = tf.ones([inputShape[1] as number]);
        try {
          this.addParameter('w', initial, { regularizer: this.regularizer });
        } finally {
          initial.dispose();
        }
        super.build(inputShape, rng);
      }
      call(x: Tensor, _ctx: CallContext): Tensor {
        return tf.mul(x, this.parameters[0]!.variable);
      }
    }
    const a = new Sequential([new Flatten({ inputShape: [4, 4] }), new Penalized({ regularizer: l2(0.1) })], {
      seed: 1,
    });
    expect(() => cloneModel(a)).toThrow(
      "the clone of layer 'penalized' (Penalized) has 0 weight regularizers, the original 1",
    );
    const b = cloneModel(a, {
      cloneFunction: (l) =>
        l instanceof Penalized ? new Penalized({ name: l.name, regularizer: l.regularizer }) : undefined,
    });
    expect(b.layers[1]).toBeInstanceOf(Penalized);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('copyWeights checks every pair before copying any: a shape mismatch in the last changes nothing', () => {
    const from = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense(3), new Dense(2)], {
      seed: 1,
    });
    const to = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense(3), new Dense(4)], { seed: 2 });
    from.build();
    to.build();
    const snapshot = to.parameters.map((p) => Array.from(p.variable.dataSync()));
    const before = tf.memory().numTensors;
    try {
      copyWeights(from.parameters, to.parameters);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INCOMPATIBLE')).toBe(true);
      expect((e as Error).message).toBe(
        "cannot copy weight 2 'dense_1/kernel' (float32 [3, 2]) into parameter 'dense_1/kernel' (float32 [3, 4])",
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(to.parameters.map((p) => Array.from(p.variable.dataSync()))).toEqual(snapshot);
    from.dispose();
    to.dispose();
  });
});
