// @steadygrad/nn from its tarball: build a Sequential, apply it, read its summary and weights.
import { tf, useBackend } from '@steadygrad/core';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';

await useBackend('wasm');
const model = new Sequential(
  [
    new Flatten({ inputShape: [4, 4] }),
    new Dense({ units: 8, activation: 'relu' }),
    new Dense({ units: 3, activation: 'softmax' }),
  ],
  { seed: 42 },
);
const lines: string[] = [];
const summary = model.summary({ print: (l) => lines.push(l) });
if (summary.totalParams !== 16 * 8 + 8 + 8 * 3 + 3) throw new Error(`totalParams ${summary.totalParams}`);
const probs = model.apply(tf.ones([2, 4, 4]), { training: false });
if (probs.shape.join('x') !== '2x3') throw new Error(`output shape ${probs.shape}`);
const rowSums = Array.from(tf.sum(probs, 1).dataSync());
if (rowSums.some((s) => Math.abs(s - 1) > 1e-5)) throw new Error(`softmax rows sum to ${rowSums}`);
const again = new Sequential(
  [
    new Flatten({ inputShape: [4, 4] }),
    new Dense({ units: 8, activation: 'relu' }),
    new Dense({ units: 3, activation: 'softmax' }),
  ],
  { seed: 42 },
).apply(tf.ones([2, 4, 4]));
if (tf.max(tf.abs(tf.sub(probs, again))).dataSync()[0] !== 0) throw new Error('same seed, different model');
if (model.getWeights().length !== 4) throw new Error('expected 4 weight tensors');
console.log('nn: ok');
