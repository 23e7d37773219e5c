import type { FashionMnist } from '@steadygrad/datasets';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { BenchRun } from './bench-types.js';
import { tfjsLayersSeedCell5, tfjsLayersSmallCnn } from './tfjs-layers-models.js';
import type { WorkerOptions } from './worker-options.js';

/** A variable, so that type-checking does not need the optional package (a root devDependency). */
const TFJS_NODE: string = '@tensorflow/tfjs-node';

function images(split: { images: Uint8Array; count: number }, count: number): tf.Tensor {
  const n = Math.min(count, split.count);
  const f = new Float32Array(n * 784);
  for (let i = 0; i < f.length; i++) f[i] = (split.images[i] as number) / 255;
  return tf.tensor3d(f, [n, 28, 28]);
}

/** The same work on `@tensorflow/tfjs-layers` (`model.fit` with tensors, as its users write it). */
export async function runTfjsLayers(data: FashionMnist, o: WorkerOptions): Promise<BenchRun> {
  // tfjs-node registers the `tensorflow` backend (and its kernels) when imported: the same package and
  // libtensorflow that steadygrad's useBackend('tensorflow') loads. TensorFlow sizes its intra-op thread pool
  // from this variable when it loads, as steadygrad's `tensorflowThreads` option does for it.
  if (o.backend === 'tensorflow') {
    process.env.TF_NUM_INTRAOP_THREADS = String(o.threads);
    await import(TFJS_NODE);
  }
  await tf.setBackend(o.backend);
  await tf.ready();
  const n = Math.min(o.samples, data.train.count);
  const x = images(data.train, n);
  const y = tf.tensor1d(Array.from(data.train.labels.subarray(0, n)), 'float32');
  const model = o.model === 'cnn' ? tfjsLayersSmallCnn() : tfjsLayersSeedCell5();
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: o.batchSize, shuffle: true, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  const after = tf.memory().numTensors;
  const stateTensors = model.trainableWeights.length;

  const xTest = images(data.test, data.test.count);
  const t1 = performance.now();
  const probs = model.predict(xTest, { batchSize: 1000 }) as tf.Tensor;
  const predicted = tf.argMax(probs, 1);
  const classes = await predicted.data();
  const inferenceSeconds = (performance.now() - t1) / 1000;
  tf.dispose([probs, predicted, xTest, x, y]);
  let correct = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i] === data.test.labels[i]) correct++;
  return {
    system: 'tfjs-layers',
    backend: o.backend,
    // tfjs-layers runs on one thread except on tensorflow, where `threads` is TensorFlow's pool.
    threads: o.backend === 'tensorflow' ? o.threads : 1,
    batchSize: o.batchSize,
    ...(o.model === 'cnn' ? { model: 'cnn' as const } : {}),
    samples: n,
    epochSeconds: (seconds * 60000) / n,
    samplesPerSecond: n / seconds,
    testAccuracy: correct / data.test.count,
    inferenceSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    tensorsLeaked: after - before - stateTensors,
    tensorsAlive: after,
    extrapolated: n < 60000,
  };
}
