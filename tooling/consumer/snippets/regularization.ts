// @steadygrad/regularization from its tarball: L2 penalty, max-norm constraint, Dropout in a model.
import { tf, useBackend } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { Dropout, l2, maxNorm } from '@steadygrad/regularization';

await useBackend('wasm');
const penalty = l2(0.01)
  .penalty(tf.tensor1d([1, 2, 3]))
  .dataSync()[0]!;
if (Math.abs(penalty - 0.14) > 1e-6) throw new Error(`l2 penalty ${penalty}`);
const projected = maxNorm(1).apply(tf.tensor2d([[3], [4]]));
const norm = tf.norm(projected).dataSync()[0]!;
if (Math.abs(norm - 1) > 1e-3) throw new Error(`maxNorm: column norm ${norm}`);
const model = new Sequential(
  [
    new Dense({ units: 50, inputShape: [10], kernelRegularizer: l2(0.01) }),
    new Dropout({ rate: 0.5, seed: 1 }),
  ],
  {
    seed: 0,
  },
);
const x = tf.ones([4, 10]);
const train = model.apply(x, { training: true }).dataSync();
const infer = model.apply(x, { training: false }).dataSync();
const zeros = Array.from(train).filter((v) => v === 0).length;
if (zeros < 50 || zeros > 150) throw new Error(`dropout zeroed ${zeros} of 200 units (rate 0.5)`);
if (Array.from(infer).some((v) => v === 0)) throw new Error('dropout is active at inference');
if (model.regularizationLosses().length !== 1) throw new Error('expected one regularization loss');
console.log('regularization: ok');
