// @steadygrad/normalization from its tarball: BatchNormalization in training and inference mode.
import { tf, useBackend } from '@steadygrad/core';
import { Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';

await useBackend('wasm');
const bn = new BatchNormalization({ inputShape: [2], momentum: 0.5, epsilon: 0 });
const model = new Sequential([bn], { seed: 0 });
const x = tf.tensor2d([
  [1, 10],
  [3, 30],
]);
const y = Array.from(model.apply(x, { training: true }).dataSync());
// Batch statistics: mean [2, 20], biased variance [1, 100] -> normalized ±1.
const expected = [-1, -1, 1, 1];
if (y.some((v, i) => Math.abs(v - expected[i]!) > 1e-5)) throw new Error(`training output ${y}`);
const weights = model.getWeights();
const movingMean = Array.from(weights[2]!.dataSync());
if (Math.abs(movingMean[0]! - 1) > 1e-6 || Math.abs(movingMean[1]! - 10) > 1e-6)
  throw new Error(`moving mean ${movingMean}`);
const inference = model.apply(x, { training: false });
if (inference.shape.join('x') !== '2x2') throw new Error('inference shape');
console.log('normalization: ok');
