import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import {
  Add,
  Conv2D,
  Dense,
  Flatten,
  GlobalAveragePooling2D,
  input,
  MaxPooling2D,
  Model,
  ReLU,
} from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloneModel } from './clone-model.js';
import { discriminativeOptimizer } from './discriminative-optimizer.js';
import { freeze, unfreeze } from './freeze.js';

const values = (ps: readonly { variable: Tensor }[]) => ps.map((p) => Array.from(p.variable.dataSync()));

/** A small "pretrained" conv base with a task-A head: two conv blocks (conv → BN → ReLU), a residual Add. */
function convBase(seed = 1): Model {
  const x = input({ shape: [8, 8, 1], name: 'image' });
  let h = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', name: 'block1_conv' }).apply(x);
  h = new BatchNormalization({ name: 'block1_bn' }).apply(h);
  h = new ReLU({ name: 'block1_relu' }).apply(h);
  h = new MaxPooling2D({ poolSize: 2, name: 'block1_pool' }).apply(h);
  let g = new Conv2D({ filters: 4, kernelSize: 3, padding: 'same', name: 'block2_conv' }).apply(h);
  g = new BatchNormalization({ name: 'block2_bn' }).apply(g);
  g = new Add({ name: 'block2_add' }).apply([h, g]);
  g = new ReLU({ name: 'block2_relu' }).apply(g);
  const y = new Dense({ units: 5, activation: 'softmax', name: 'head_a' }).apply(new Flatten().apply(g));
  return new Model({ inputs: x, outputs: y, seed, name: 'base' });
}

function taskData(n: number, seed: number): { x: Tensor; y: Tensor } {
  return tf.tidy(() => {
    const x = tf.randomNormal([n, 8, 8, 1], 0, 1, 'float32', seed);
    // Label: which half of the image is brighter (learnable from pooled features).
    const left = tf.sum(tf.slice(x, [0, 0, 0, 0], [n, 8, 4, 1]), [1, 2, 3]);
    const right = tf.sum(tf.slice(x, [0, 0, 4, 0], [n, 8, 4, 1]), [1, 2, 3]);
    return { x, y: tf.cast(tf.greater(left, right), 'int32') };
  });
}

describe('transfer on functional models', () => {
  beforeAll(() => registerGradients());

  it('cloneModel replays the graph: same outputs, no shared weights, a fresh init with withWeights: false', async () => {
    const before = tf.memory().numTensors;
    const base = convBase();
    const clone = cloneModel(base);
    expect(clone).toBeInstanceOf(Model);
    expect(clone.layers.map((l) => l.name)).toEqual(base.layers.map((l) => l.name));
    expect(values(clone.parameters)).toEqual(values(base.parameters));
    expect(clone.parameters.some((p, i) => p === base.parameters[i])).toBe(false);
    const { x, y } = taskData(16, 3);
    const a = base.apply(x);
    const b = clone.apply(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    const kept = values(base.parameters);
    const trainer = compile(clone, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    await trainer.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    trainer.dispose();
    expect(values(base.parameters)).toEqual(kept);
    expect(values(clone.parameters)).not.toEqual(kept);
    const fresh = cloneModel(base, { withWeights: false, seed: 9 });
    expect(values(fresh.parameters)).not.toEqual(kept);
    tf.dispose([x, y, a, b]);
    for (const m of [base, clone, fresh]) m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the recipe: cut a pretrained conv base at a named layer, add GAP + a head, train the head frozen, then unfreeze the top block with a lower rate', async () => {
    const before = tf.memory().numTensors;
    const pretrained = convBase(1);
    // Task A: train the whole base a little so its BN statistics are not the initial ones.
    const a = taskData(32, 11);
    const trainerA = compile(pretrained, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    await trainerA.fit(a.x, a.y, { epochs: 1, batchSize: 8, verbose: 0 });
    trainerA.dispose();

    // Reuse a copy (the source stays as it is), cut at 'block2_relu', new head.
    const reused = cloneModel(pretrained);
    const features = new GlobalAveragePooling2D({ name: 'gap' }).apply(reused.getLayer('block2_relu').output);
    const out = new Dense({ units: 2, activation: 'softmax', name: 'head_b' }).apply(features);
    const model = new Model({ inputs: reused.inputs, outputs: out, seed: 4, name: 'model_b' });
    expect(model.layers.map((l) => l.name)).not.toContain('head_a');
    expect(model.layers.slice(-2).map((l) => l.name)).toEqual(['gap', 'head_b']);
    const baseLayers = model.layers.slice(0, -2);
    const baseParams = () => baseLayers.flatMap((l) => l.parameters);

    // Phase 1: the base frozen (its BN in inference mode): only the head moves, the base is bit-identical.
    freeze(model, { to: -1 });
    const frozen = values(baseParams());
    const headBefore = values(model.getLayer('head_b').parameters);
    const b = taskData(48, 12);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
      metrics: ['accuracy'],
    });
    const h1 = await trainer.fit(b.x, b.y, { epochs: 3, batchSize: 8, verbose: 0 });
    trainer.dispose();
    expect(values(baseParams())).toEqual(frozen);
    expect(values(model.getLayer('head_b').parameters)).not.toEqual(headBefore);
    const losses = h1.history.loss as number[];
    expect(losses[2] as number).toBeLessThan(losses[0] as number);

    // Phase 2: unfreeze the top block's conv (its BN stays frozen, as Keras advises) with a 10x lower rate.
    unfreeze(model, ['block2_conv']);
    const block1 = values(['block1_conv', 'block1_bn'].flatMap((n) => model.getLayer(n).parameters));
    const bn2 = values(model.getLayer('block2_bn').parameters);
    const conv2 = values(model.getLayer('block2_conv').parameters);
    const optimizer = discriminativeOptimizer(
      { base: sgd({ learningRate: 0.01 }), head: sgd({ learningRate: 0.1 }) },
      model,
      'head_b',
    );
    const trainer2 = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer });
    await trainer2.fit(b.x, b.y, { epochs: 1, batchSize: 8, verbose: 0 });
    trainer2.dispose();
    expect(values(['block1_conv', 'block1_bn'].flatMap((n) => model.getLayer(n).parameters))).toEqual(block1);
    expect(values(model.getLayer('block2_bn').parameters)).toEqual(bn2);
    expect(values(model.getLayer('block2_conv').parameters)).not.toEqual(conv2);
    // The pretrained source is untouched by all of it.
    expect(pretrained.getLayer('block2_conv').parameters[0]).not.toBe(
      model.getLayer('block2_conv').parameters[0],
    );

    tf.dispose([a.x, a.y, b.x, b.y]);
    pretrained.dispose();
    reused.dispose();
    for (const l of model.layers.slice(-2)) l.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
