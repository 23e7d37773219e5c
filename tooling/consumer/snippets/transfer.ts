// @steadygrad/transfer from its tarball: clone a model with its weights, freeze the reused layers.
import { tf, useBackend } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { cloneModel, freeze } from '@steadygrad/transfer';

await useBackend('wasm');
const base = new Sequential(
  [new Dense({ units: 4, activation: 'relu', inputShape: [3] }), new Dense({ units: 2 })],
  { seed: 8 },
);
base.build();
const clone = cloneModel(base);
const x = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
const diff = tf.max(tf.abs(tf.sub(base.apply(x), clone.apply(x)))).dataSync()[0];
if (diff !== 0) throw new Error(`the clone predicts differently by ${diff}`);
const frozen = freeze(clone, { to: -1 });
if (frozen.length !== 1 || clone.layers[0]!.trainable || !clone.layers[1]!.trainable)
  throw new Error('freeze({ to: -1 })');
if (clone.trainableParameters.length !== 2)
  throw new Error(`trainable parameters: ${clone.trainableParameters.length}`);
if (!base.layers[0]!.trainable) throw new Error('freezing the clone froze the original');
console.log('transfer: ok');
