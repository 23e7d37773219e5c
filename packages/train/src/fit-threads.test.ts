// `fit` on the wasm backend with core's GEMM worker threads (setHostThreads) against one thread: the products
// are split by rows over threads, so a training run must give the same bits — losses, accuracies and weights.
import '@tensorflow/tfjs-backend-wasm';
import {
  hostThreads,
  RandomStream,
  registerGradients,
  setHostThreads,
  tf,
  threadedProducts,
} from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from './trainer.js';

beforeAll(async () => {
  registerGradients();
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});
afterAll(async () => {
  await setHostThreads(1);
  await tf.setBackend('cpu');
});

/**
 * Trains a 784-300-10 MLP for 2 epochs at batch 32: products of 7.5M multiply-adds, split over threads from
 * 4M on here (the default threshold, 8.4M, keeps them on one thread).
 */
async function train(threads: number, x: tf.Tensor, y: tf.Tensor) {
  await setHostThreads(threads, { minMultiplyAdds: 1 << 22 });
  expect(hostThreads()).toBe(threads);
  const before = tf.memory().numTensors;
  const model = new Sequential(
    [
      new Dense({ units: 300, activation: 'relu', kernelInitializer: 'he_normal', inputShape: [784] }),
      new Dense({ units: 10, activation: 'softmax' }),
    ],
    { seed: 7 },
  );
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
    metrics: ['accuracy'],
  });
  const split = threadedProducts();
  const history = await trainer.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, seed: 3 });
  const splitDuring = threadedProducts() - split;
  const weights = model.parameters.map((p) => Array.from(new Uint32Array(p.variable.dataSync().buffer)));
  model.dispose();
  trainer.dispose();
  return { history: history.history, weights, splitDuring, leaked: tf.memory().numTensors - before };
}

describe('fit with GEMM worker threads', () => {
  it('gives the same losses, accuracies and weight bits on 1, 2 and 3 threads, and leaks no tensor', async () => {
    const rng = new RandomStream(11);
    const n = 96;
    const xs = new Float32Array(n * 784);
    const ys = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      ys[i] = rng.int(10);
      // Class-dependent mean so that the loss falls.
      for (let j = 0; j < 784; j++) xs[i * 784 + j] = rng.normal() * 0.5 + (j % 10 === ys[i] ? 1 : 0);
    }
    const x = tf.tensor2d(xs, [n, 784]);
    const y = tf.tensor1d(ys, 'int32');
    const one = await train(1, x, y);
    expect(one.splitDuring).toBe(0);
    expect(one.leaked).toBe(0);
    const losses = one.history.loss as number[];
    expect(losses[1] as number).toBeLessThan(losses[0] as number);
    for (const threads of [2, 3]) {
      const many = await train(threads, x, y);
      // 3 steps per epoch, 2 epochs: the forward of the first layer and its weight gradient each step.
      expect(many.splitDuring).toBe(2 * 3 * 2);
      expect(many.leaked).toBe(0);
      expect(many.history).toEqual(one.history);
      expect(many.weights).toEqual(one.weights);
    }
    tf.dispose([x, y]);
  });
});
