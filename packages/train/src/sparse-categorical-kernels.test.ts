// The fused (host-kernel) sparse categorical accuracy against the plain op graph it replaces, on the cpu and
// wasm backends, and `fit` with both fused kernels: values, leaks and kernel counts per step.
import '@tensorflow/tfjs-backend-wasm';
import { type Tensor, tf } from '@steadygrad/core';
import { sparseAccuracyHostAvailable } from '@steadygrad/core/kernels';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { sparseCategoricalCrossentropyReference } from './losses.js';
import { type Metric, sparseCategoricalAccuracy, sparseCategoricalAccuracyReference } from './metrics.js';
import { blobs } from './test-utils/blobs.js';
import {
  CASES,
  expectClose,
  kernelBackends,
  kernelsOf,
  maxRelDiff,
  record,
  sparseKernelSuite,
} from './test-utils/sparse-categorical-cases.js';
import { compile } from './trainer.js';

sparseKernelSuite();

for (const backend of kernelBackends()) {
  describe(`sparse categorical accuracy, fused, on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

    const metric = sparseCategoricalAccuracy();

    function both(yTrue: Tensor, yPred: Tensor): [number[], number[]] {
      expect(sparseAccuracyHostAvailable(yTrue, yPred)).toBe(true);
      const a = metric.perSample(yTrue, yPred);
      const b = sparseCategoricalAccuracyReference(yTrue, yPred);
      expect(a.dtype).toBe('float32');
      expect(a.shape).toEqual(b.shape);
      const out: [number[], number[]] = [Array.from(a.dataSync()), Array.from(b.dataSync())];
      tf.dispose([a, b]);
      return out;
    }

    it('ties go to the first maximum; NaN as tf.argMax; batch 1; all correct and all wrong', () => {
      const before = tf.memory().numTensors;
      const p = tf.tensor2d([
        [0.3, 0.3, 0.4], // 2
        [0.4, 0.4, 0.2], // tie: 0
        [0.2, 0.4, 0.4], // tie: 1
        [1, 1, 1], // tie: 0
        [Number.NaN, 0.5, 0.6], // NaN first: 0
        [0.1, Number.NaN, 0.6], // 2
        [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], // 0
        [0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY], // 1
      ]);
      // Backend-specific: TensorFlow's ArgMax passes over a NaN in column 0 ([NaN, 0.5, 0.6] → 2), where tfjs's
      // cpu and wasm argMax keep it; the kernel follows each backend's graph.
      const argmax = [2, 0, 1, 0, backend === 'tensorflow' ? 2 : 0, 2, 0, 1];
      const right = tf.tensor1d(argmax, 'int32');
      const wrong = tf.tensor1d(
        argmax.map((a) => (a + 1) % 3),
        'int32',
      );
      const [allRight, allRightRef] = both(right, p);
      expect(allRight).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      expect(allRight).toEqual(allRightRef);
      const [allWrong, allWrongRef] = both(wrong, p);
      expect(allWrong).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
      expect(allWrong).toEqual(allWrongRef);
      const one = tf.tensor2d([[0.1, 0.9]]);
      const y1 = tf.tensor2d([[1]], [1, 1], 'int32');
      expect(both(y1, one)).toEqual([[1], [1]]);
      tf.dispose([p, right, wrong, one, y1]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('matches the op graph on random predictions (labels int32 [n], [n, 1], float32), in one kernel', async () => {
      for (const c of CASES) {
        const p = tf.tensor2d(c.p, [c.n, c.k]);
        for (const y of [
          tf.tensor1d(c.labels, 'int32'),
          tf.tensor2d(c.labels, [c.n, 1], 'int32'),
          tf.tensor1d(Float32Array.from(c.labels, (l) => l + 0.5)),
        ]) {
          const [a, b] = both(y, p);
          expect(a).toEqual(b);
          y.dispose();
        }
        p.dispose();
      }
      const p = tf.tensor2d([[0.1, 0.9]]);
      const y = tf.tensor1d([1], 'int32');
      // Backend-specific: on tensorflow the kernel's TensorFlow form runs outside tfjs's kernels (none profiled).
      expect(await kernelsOf(() => metric.perSample(y, p))).toEqual(
        backend === 'tensorflow' ? [] : ['SteadygradSparseAccuracy'],
      );
      tf.dispose([p, y]);
    });

    it('keeps the op graph for other shapes', () => {
      const p = tf.ones([2, 2, 3]);
      const y = tf.zeros([2, 2], 'int32');
      expect(sparseAccuracyHostAvailable(y, p)).toBe(false);
      expect(Array.from(metric.perSample(y, p).dataSync())).toEqual([1, 1, 1, 1]);
      tf.dispose([p, y]);
    });
  });

  describe(`fit on ${backend} with the fused loss and accuracy`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

    function model(): Sequential {
      const m = new Sequential(
        [
          new Dense({ units: 8, activation: 'relu', inputShape: [2] }),
          new Dense({ units: 3, activation: 'softmax' }),
        ],
        { seed: 1 },
      );
      m.build();
      return m;
    }

    /** The same loss and accuracy through the op graphs (what `fit` ran before the host kernels). */
    const referenceMetric: Metric = {
      name: 'accuracy',
      perSample: (yTrue, yPred) => sparseCategoricalAccuracyReference(yTrue, yPred),
    };
    const referenceLoss = (yTrue: Tensor, yPred: Tensor) =>
      sparseCategoricalCrossentropyReference(yTrue, yPred);

    it('trains like the op graphs, leaves no tensors behind and runs ~45 fewer kernels per step', async () => {
      const data = blobs(64, 3, 42);
      const fusedModel = model();
      const referenceModel = model();
      const fused = compile(fusedModel, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate: 0.1 }),
        metrics: ['accuracy'],
      });
      const reference = compile(referenceModel, {
        loss: referenceLoss,
        optimizer: sgd({ learningRate: 0.1 }),
        metrics: [referenceMetric],
      });
      const options = { epochs: 1, batchSize: 16, verbose: 0 } as const;
      await fused.fit(data.x, data.y, options); // creates the optimizer state
      await reference.fit(data.x, data.y, options);
      const before = tf.memory().numTensors;
      const h1 = await fused.fit(data.x, data.y, { ...options, epochs: 3 });
      const h2 = await reference.fit(data.x, data.y, { ...options, epochs: 3 });
      expect(tf.memory().numTensors).toBe(before);
      const losses1 = h1.history.loss as number[];
      const losses2 = h2.history.loss as number[];
      expect(losses1).toHaveLength(3);
      const tol = backend === 'wasm' ? 1e-5 : 0;
      for (let e = 0; e < 3; e++) {
        expect(Math.abs((losses1[e] as number) - (losses2[e] as number))).toBeLessThanOrEqual(
          tol * (losses2[e] as number),
        );
      }
      expect(h1.history.accuracy).toEqual(h2.history.accuracy);
      const w1 = fusedModel.parameters.flatMap((p) => Array.from(p.variable.dataSync()));
      const w2 = referenceModel.parameters.flatMap((p) => Array.from(p.variable.dataSync()));
      record(`${backend} weights after 4 epochs of fit`, maxRelDiff(w1, w2));
      expectClose(w1, w2, tol);

      // Kernels per step: the difference between a 2-step and a 1-step epoch of fit.
      const perStep = async (t: typeof fused) => {
        const counts: number[] = [];
        for (const batchSize of [64, 32]) {
          const info = await tf.profile(async () => {
            await t.fit(data.x, data.y, { epochs: 1, batchSize, verbose: 0 });
          });
          counts.push(info.kernels.length);
        }
        return (counts[1] as number) - (counts[0] as number);
      };
      const fusedStep = await perStep(fused);
      const referenceStep = await perStep(reference);
      console.log(`${backend}: kernels per fit step, op graphs ${referenceStep}, fused ${fusedStep}`);
      expect(fusedStep).toBeLessThanOrEqual(referenceStep - 40);
      tf.dispose([data.x, data.y]);
    });
  });
}
