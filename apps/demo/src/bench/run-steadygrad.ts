import { setHostRelaxedSimdEnabled, setHostThreads, tf, useBackend } from '@steadygrad/core';
import { type FashionMnist, imageSource, labelSource, sliceSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { seedCell5Model, smallCnnModel } from '../models.js';
import type { BenchRun } from './bench-types.js';
import type { WorkerOptions } from './worker-options.js';

/** One epoch of `fit` (what users run) on `samples` training images, then inference on the test set. */
export async function runSteadygrad(data: FashionMnist, o: WorkerOptions): Promise<BenchRun> {
  const relaxed = o.relaxedSimd ?? true;
  // On tensorflow, `threads` is TensorFlow's intra-op pool (core's host kernels do not run there); elsewhere
  // core's host threads.
  const native = o.backend === 'tensorflow';
  const info = await useBackend(
    o.backend,
    native ? { relaxedSimd: relaxed, tensorflowThreads: o.threads } : { relaxedSimd: relaxed },
  );
  // Off: the plain SIMD tiles, also where the platform has relaxed SIMD by default (Node ≥ 22).
  setHostRelaxedSimdEnabled(relaxed);
  await setHostThreads(native ? 1 : o.threads);
  const train = sliceSplit(data.train, 0, o.samples);
  const model = o.model === 'cnn' ? smallCnnModel(o.seed) : seedCell5Model(o.seed);
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
    metrics: ['accuracy'],
  });
  const x = imageSource(train);
  const y = labelSource(train);
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  // `nonFinite` is passed only when asked for (fit's default otherwise), through a widened type: the option
  // is newer than some builds of the train package.
  const fitOptions = { epochs: 1, batchSize: o.batchSize, seed: o.seed, verbose: 0 as const };
  await trainer.fit(
    x,
    y,
    o.nonFinite === undefined ? fitOptions : ({ ...fitOptions, nonFinite: o.nonFinite } as typeof fitOptions),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = tf.memory().numTensors;
  // The optimizer creates its state (one momentum buffer per trainable parameter) on the first step.
  const stateTensors = model.trainableParameters.length;

  const t1 = performance.now();
  const probs = trainer.predict(imageSource(data.test), { batchSize: 1000 });
  const predicted = tf.tidy(() => tf.argMax(probs, 1));
  const classes = await predicted.data();
  const inferenceSeconds = (performance.now() - t1) / 1000;
  probs.dispose();
  predicted.dispose();
  let correct = 0;
  for (let i = 0; i < classes.length; i++) if (classes[i] === data.test.labels[i]) correct++;
  const result: BenchRun = {
    system: o.nonFinite === undefined ? 'steadygrad' : `steadygrad (nonFinite: ${o.nonFinite})`,
    backend: o.backend,
    threads: o.threads,
    relaxedSimd: relaxed && info.relaxedSimd,
    batchSize: o.batchSize,
    ...(o.model === 'cnn' ? { model: 'cnn' as const } : {}),
    samples: train.count,
    epochSeconds: (seconds * 60000) / train.count,
    samplesPerSecond: train.count / seconds,
    testAccuracy: correct / data.test.count,
    inferenceSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    tensorsLeaked: after - before - stateTensors,
    tensorsAlive: after,
    extrapolated: train.count < 60000,
  };
  model.dispose();
  return result;
}
