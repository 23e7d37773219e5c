// One measurement of the browser bench (`pnpm bench:web`) in its own worker: steadygrad's `fit` or tfjs-layers'
// `model.fit` on the seed cell 5 BN-MLP (SGD 0.01, momentum 0.9), one epoch of the served Fashion-MNIST subset after
// a few untimed warm-up batches, then accuracy on the test subset. The page starts a fresh worker per job, so
// no system inherits the other's compiled WebGL programs, memory or wasm module.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { tf, useBackend } from '@steadygrad/core';
import { type FashionMnist, imageSource, labelSource, sliceSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { tfjsLayersSeedCell5 } from '../../src/bench/tfjs-layers-models.js';
import type { WebBenchJob, WebBenchRun } from '../../src/bench/web-bench-types.js';
import { seedCell5Model } from '../../src/models.js';
import { loadSubset } from './subset.js';
import { configureWasm } from './wasm-paths.js';

configureWasm();

/**
 * Runs the timed `fit`. In the kernel-count pass (`counting` set) it runs under `tf.profile` instead, which
 * records every kernel the fit dispatches (and slows each down, so that pass is not the timed one).
 */
let counting: { kernels: number } | undefined;
async function timedFit(runFit: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  if (counting === undefined) await runFit();
  else {
    const record = counting;
    const info = await tf.profile(async () => {
      await runFit();
      return [] as tf.Tensor[];
    });
    record.kernels = info.kernels.length;
  }
  return (performance.now() - t0) / 1000;
}

function pixels(split: FashionMnist['train'], count: number): Float32Array {
  const f = new Float32Array(count * 784);
  for (let i = 0; i < f.length; i++) f[i] = (split.images[i] as number) / 255;
  return f;
}

async function accuracy(predict: () => tf.Tensor, labels: Uint8Array): Promise<number> {
  const predicted = tf.tidy(() => tf.argMax(predict(), 1));
  const classes = await predicted.data();
  predicted.dispose();
  let correct = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i] === labels[i]) correct++;
  return correct / classes.length;
}

async function steadygrad(
  data: FashionMnist,
  job: WebBenchJob,
): Promise<Omit<WebBenchRun, 'kernelsPerStep'>> {
  const model = seedCell5Model(job.seed);
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
    metrics: ['accuracy'],
  });
  // The same warm-up samples as tfjs-layers below, so both have met the same batch shapes before the timed epoch.
  const warm = sliceSplit(data.train, 0, Math.min(job.warmupBatches * job.batchSize, job.samples));
  if (warm.count > 0)
    await trainer.fit(imageSource(warm), labelSource(warm), {
      epochs: 1,
      batchSize: job.batchSize,
      verbose: 0,
    });
  const train = sliceSplit(data.train, 0, job.samples);
  const before = tf.memory().numTensors;
  const seconds = await timedFit(() =>
    trainer.fit(imageSource(train), labelSource(train), {
      epochs: 1,
      batchSize: job.batchSize,
      seed: job.seed,
      verbose: 0,
    }),
  );
  const after = tf.memory().numTensors;
  const testAccuracy = await accuracy(
    () => trainer.predict(imageSource(data.test), { batchSize: 1000 }),
    data.test.labels,
  );
  // The momentum buffers already exist after the warm-up; without one they are created by the first step.
  const state = warm.count > 0 ? 0 : model.trainableParameters.length;
  model.dispose();
  return row(job, train.count, seconds, testAccuracy, data.test.count, after - before - state);
}

async function tfjsLayers(
  data: FashionMnist,
  job: WebBenchJob,
): Promise<Omit<WebBenchRun, 'kernelsPerStep'>> {
  const n = Math.min(job.samples, data.train.count);
  const x = tf.tensor3d(pixels(data.train, n), [n, 28, 28]);
  const y = tf.tensor1d(Array.from(data.train.labels.subarray(0, n)), 'float32');
  const model = tfjsLayersSeedCell5();
  const w = Math.min(job.warmupBatches * job.batchSize, n);
  if (w > 0) {
    const [xw, yw] = [tf.slice(x, [0, 0, 0], [w, -1, -1]), tf.slice(y, [0], [w])];
    await model.fit(xw, yw, { epochs: 1, batchSize: job.batchSize, verbose: 0 });
    tf.dispose([xw, yw]);
  }
  const before = tf.memory().numTensors;
  const seconds = await timedFit(() =>
    model.fit(x, y, { epochs: 1, batchSize: job.batchSize, shuffle: true, verbose: 0 }),
  );
  const after = tf.memory().numTensors;
  const xTest = tf.tensor3d(pixels(data.test, data.test.count), [data.test.count, 28, 28]);
  const testAccuracy = await accuracy(
    () => model.predict(xTest, { batchSize: 1000 }) as tf.Tensor,
    data.test.labels,
  );
  const state = w > 0 ? 0 : model.trainableWeights.length;
  tf.dispose([x, y, xTest]);
  model.dispose();
  return row(job, n, seconds, testAccuracy, data.test.count, after - before - state);
}

function row(
  job: WebBenchJob,
  samples: number,
  seconds: number,
  testAccuracy: number,
  testSamples: number,
  tensorsLeaked: number,
): Omit<WebBenchRun, 'kernelsPerStep'> {
  return {
    system: job.system,
    backend: tf.getBackend(),
    batchSize: job.batchSize,
    samples,
    seconds,
    samplesPerSecond: samples / seconds,
    testAccuracy,
    testSamples,
    tensorsLeaked,
  };
}

async function measure(job: WebBenchJob): Promise<WebBenchRun> {
  if (job.system === 'steadygrad') await useBackend(job.backend);
  else {
    await tf.setBackend(job.backend);
    await tf.ready();
  }
  const data = await loadSubset(job.dataUrl);
  const run = job.system === 'steadygrad' ? steadygrad : tfjsLayers;
  // The kernels of 4 steps (after 2 warm-up steps), from a separate short run under tf.profile.
  counting = { kernels: 0 };
  const record = counting;
  try {
    await run(data, { ...job, samples: 4 * job.batchSize, warmupBatches: 2 });
  } finally {
    counting = undefined;
  }
  const kernelsPerStep = record.kernels / 4;
  const timed = await run(data, job);
  return { ...timed, kernelsPerStep };
}

const scope = self as unknown as {
  postMessage(message: { run: WebBenchRun } | { error: string }): void;
  onmessage: ((e: MessageEvent<WebBenchJob>) => void) | null;
};
scope.onmessage = (e) => {
  measure(e.data).then(
    (run) => scope.postMessage({ run }),
    (err: unknown) => scope.postMessage({ error: err instanceof Error ? `${err.message}` : String(err) }),
  );
};
