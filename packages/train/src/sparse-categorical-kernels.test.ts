// The fused (host-kernel) sparse categorical cross-entropy and accuracy against the plain op graphs they
// replace, on the cpu and wasm backends: values, gradients, edge cases, leaks and kernel counts in `fit`.
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EPSILON, sparseCategoricalCrossentropy, sparseCategoricalCrossentropyReference } from './losses.js';
import { type Metric, sparseCategoricalAccuracy, sparseCategoricalAccuracyReference } from './metrics.js';
import {
  sparseAccuracyHostAvailable,
  sparseCrossentropyHostAvailable,
} from './sparse-categorical-kernels.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

/** The PyTorch fixtures of losses.test.ts (float64 reference values) for probabilities with sparse labels. */
interface FixtureCase {
  name: string;
  options: { loss: string; fromLogits?: boolean };
  yTrue: unknown;
  yTrueShape: number[];
  yPred: unknown;
  yPredShape: number[];
  value: number;
  grad: unknown;
}
const fixtures = (
  JSON.parse(readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8')) as {
    cases: FixtureCase[];
  }
).cases.filter((c) => c.options.loss === 'sparse_categorical_crossentropy' && c.options.fromLogits !== true);

function flat(x: unknown): number[] {
  return (Array.isArray(x) ? x.flat(Number.POSITIVE_INFINITY) : [x]) as number[];
}

const LO = Math.fround(EPSILON);
const HI = Math.fround(1 - EPSILON);

/** A seeded uniform [0, 1) generator (LCG), the same on every backend. */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Case {
  readonly name: string;
  readonly n: number;
  readonly k: number;
  readonly p: Float32Array;
  readonly labels: Int32Array;
}

/**
 * `n` rows of `k` unnormalized "probabilities" in [0, 2) (every 4th row normalized), then boundary rows that
 * exercise the clip: a one-hot row labelled at its 1 (p̂ = 1 → clipped to 1 − ε, no gradient) and elsewhere
 * (p̂ = 0 → clipped to ε), a row with exact zeros, and rows whose p̂ at the label is exactly ε or 1 − ε in
 * float32 (the clip's gradient passes on the bounds).
 */
function makeCase(name: string, n: number, k: number, seed: number, boundaryRows: boolean): Case {
  const rand = uniform(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let r = 0; r < n; r++) {
    const row = Array.from({ length: k }, () => 2 * rand());
    if (r % 4 === 0) {
      const s = row.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) row[c] = (row[c] as number) / s;
    }
    rows.push(row);
    labels.push(Math.floor(rand() * k));
  }
  if (boundaryRows) {
    const pad = (head: number[]) => [...head, ...new Array<number>(k - head.length).fill(0)];
    rows.push(pad([0, 1]), pad([0, 1]), pad([0.25, 0, 0.75]), pad([HI, 1 - HI]), pad([LO, 0.5, 0.5 - LO]));
    labels.push(1, 0, 0, 0, 0);
  }
  return {
    name,
    n: rows.length,
    k,
    p: Float32Array.from(rows.flat()),
    labels: Int32Array.from(labels),
  };
}

const CASES: readonly Case[] = [
  makeCase('batch 1, 10 classes', 1, 10, 1, false),
  makeCase('batch 1, 3 classes', 1, 3, 2, false),
  makeCase('batch 256, 10 classes, with clip-boundary rows', 251, 10, 3, true),
  makeCase('batch 256, 3 classes, with clip-boundary rows', 251, 3, 4, true),
  makeCase('batch 32, 3 classes, with clip-boundary rows', 27, 3, 5, true),
];

/** Max |a − b| / |b| over the elements (|a − b| where b = 0), for the report and the bounds. */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      expect(Number.isNaN(x)).toBe(Number.isNaN(y));
      continue;
    }
    const d = Math.abs(x - y);
    worst = Math.max(worst, y === 0 ? d : d / Math.abs(y));
  }
  return worst;
}

/**
 * Elementwise |a − b| ≤ rel·(|b| + scale): a few float32 ulps of the element, or of the largest gradient
 * element of the case where the element is a cancellation (`g/s − g·p_y/s²` at the label).
 */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number): void {
  let scale = 0;
  for (let i = 0; i < b.length; i++)
    if (Number.isFinite(b[i])) scale = Math.max(scale, Math.abs(b[i] as number));
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(y)) expect(x).toBeNaN();
    else if (Math.abs(x - y) > rel * (Math.abs(y) + scale)) {
      expect.fail(`element ${i}: ${x} vs reference ${y}`);
    }
  }
}

/** Kernel names run by `f` (tf.profile), and its result. */
async function kernelsOf(f: () => Tensor | undefined): Promise<string[]> {
  const info = await tf.profile(() => {
    const t = f();
    t?.dispose();
  });
  return info.kernels.map((k) => k.name);
}

/** Measured differences (fused vs reference), printed once at the end for the record. */
const measured: Record<string, number> = {};
function record(key: string, value: number): void {
  measured[key] = Math.max(measured[key] ?? 0, value);
}

beforeAll(() => {
  registerGradients();
});

afterAll(async () => {
  await tf.setBackend('cpu');
  console.log('fused vs reference, max relative differences:', measured);
});

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`sparse categorical cross-entropy on probabilities, fused, on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

    const loss = sparseCategoricalCrossentropy();
    // cpu: the kernels round where the graph rounds, so the results are the same bit for bit. wasm: XNNPACK's
    // float32 sums and logs differ from the graph's by an ulp or two.
    const rel = backend === 'cpu' ? 0 : 2e-6;

    for (const c of CASES) {
      for (const labelShape of ['[n]', '[n, 1]', 'float32 [n]'] as const) {
        it(`${c.name}, labels ${labelShape}: value and gradient equal the op graph's`, async () => {
          expect(tf.getBackend()).toBe(backend);
          const before = tf.memory().numTensors;
          const p = tf.tensor2d(c.p, [c.n, c.k]);
          const y =
            labelShape === '[n]'
              ? tf.tensor1d(c.labels, 'int32')
              : labelShape === '[n, 1]'
                ? tf.tensor2d(c.labels, [c.n, 1], 'int32')
                : tf.tensor1d(Float32Array.from(c.labels));
          expect(sparseCrossentropyHostAvailable(y, p)).toBe(true);
          // dy = 2.5 rather than 1: the upstream gradient must be threaded through.
          const fused = tf.valueAndGrad((q: Tensor) => tf.mul(loss(y, q), 2.5));
          const ref = tf.valueAndGrad((q: Tensor) =>
            tf.mul(sparseCategoricalCrossentropyReference(y, q), 2.5),
          );
          const a = fused(p);
          const b = ref(p);
          const va = a.value.dataSync()[0] as number;
          const vb = b.value.dataSync()[0] as number;
          const ga = a.grad.dataSync();
          const gb = b.grad.dataSync();
          expect(a.grad.shape).toEqual([c.n, c.k]);
          expect(Number.isFinite(vb)).toBe(true);
          record(`${backend} value`, maxRelDiff([va], [vb]));
          record(`${backend} gradient`, maxRelDiff(ga, gb));
          expect(Math.abs(va - vb)).toBeLessThanOrEqual(rel * Math.abs(vb));
          expectClose(ga, gb, rel);
          // The gradient is not trivially zero, and the rows clipped at the label are (one-hot rows).
          expect(ga.some((g) => g !== 0)).toBe(true);
          tf.dispose([p, y, a.value, a.grad, b.value, b.grad]);
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    it('has PyTorch fixtures to check', () => {
      expect(fixtures.length).toBeGreaterThanOrEqual(2);
    });

    for (const c of fixtures) {
      it(`PyTorch fixture '${c.name}': value and gradient`, () => {
        const before = tf.memory().numTensors;
        const yTrue = tf.tensor(flat(c.yTrue), c.yTrueShape, 'int32');
        const yPred = tf.tensor(flat(c.yPred), c.yPredShape, 'float32');
        expect(sparseCrossentropyHostAvailable(yTrue, yPred)).toBe(true);
        const { value, grad } = tf.valueAndGrad((q: Tensor) => loss(yTrue, q))(yPred);
        expect(Math.abs((value.dataSync()[0] as number) - c.value)).toBeLessThan(1e-6 * Math.max(1, c.value));
        const g = grad.dataSync();
        const ref = flat(c.grad);
        for (let i = 0; i < ref.length; i++)
          expect(Math.abs((g[i] as number) - (ref[i] as number))).toBeLessThan(2e-6);
        tf.dispose([yTrue, yPred, value, grad]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    it('clip boundaries: p̂ = 1 and p̂ = 0 pass no gradient; p̂ exactly ε or 1 − ε passes it (tfjs convention)', () => {
      const c = CASES[4] as Case;
      const p = tf.tensor2d(c.p, [c.n, c.k]);
      const y = tf.tensor1d(c.labels, 'int32');
      const g = tf
        .grad((q: Tensor) => loss(y, q))(p)
        .arraySync() as number[][];
      const last = g.slice(-5);
      expect(last[0]).toEqual([0, 0, 0]); // [0, 1, 0] labelled 1: p̂ = 1 clipped to 1 − ε
      expect(last[1]).toEqual([0, 0, 0]); // [0, 1, 0] labelled 0: p̂ = 0 clipped to ε
      expect(last[2]!.every((v) => v !== 0)).toBe(true); // [0.25, 0, 0.75] labelled 0: inside the clip
      expect(last[3]!.some((v) => v !== 0)).toBe(true); // p̂ = 1 − ε exactly: on the bound, gradient passes
      expect(last[4]!.every((v) => v !== 0)).toBe(true); // p̂ = ε exactly
      // The value of a one-hot row labelled at its 1 is −ln(1 − ε); labelled elsewhere, −ln(ε).
      const one = tf.tensor2d([[0, 1, 0]]);
      expect(loss(tf.tensor1d([1], 'int32'), one).dataSync()[0]).toBeCloseTo(-Math.log(HI), 6);
      expect(loss(tf.tensor1d([0], 'int32'), one).dataSync()[0]).toBeCloseTo(-Math.log(LO), 4);
      tf.dispose([p, y, one]);
    });

    it('runs one kernel forward and one backward (no Log, ClipByValue, OneHot …), without leaks', async () => {
      const c = CASES[2] as Case;
      const p = tf.tensor2d(c.p, [c.n, c.k]);
      const y = tf.tensor1d(c.labels, 'int32');
      const before = tf.memory().numTensors;
      // 'unnamed scope' is tf.customGrad's own record in the profile, not a backend kernel.
      const forward = await kernelsOf(() => loss(y, p));
      expect(forward).toEqual(['SteadygradSparseCrossentropy', 'unnamed scope']);
      const withGrad = await kernelsOf(() => tf.grad((q: Tensor) => loss(y, q))(p));
      console.log(`${backend}: loss + gradient kernels, fused: ${withGrad.join(' ')}`);
      expect(withGrad.filter((k) => k.startsWith('Steadygrad'))).toEqual([
        'SteadygradSparseCrossentropy',
        'SteadygradSparseCrossentropyGrad',
      ]);
      for (const k of ['Log', 'ClipByValue', 'OneHot', 'RealDiv', 'Sum', 'Mean', 'Select']) {
        expect(withGrad).not.toContain(k);
      }
      const reference = await kernelsOf(() =>
        tf.grad((q: Tensor) => sparseCategoricalCrossentropyReference(y, q))(p),
      );
      console.log(`${backend}: loss + gradient kernels, op graph: ${reference.join(' ')}`);
      expect(reference.length).toBeGreaterThan(withGrad.length + 30);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([p, y]);
    });

    it('labels outside [0, K) contribute 0 and no gradient, as the one-hot graph', () => {
      const p = tf.tensor2d([
        [0.2, 0.3, 0.5],
        [0.6, 0.3, 0.1],
        [0.1, 0.1, 0.8],
      ]);
      const y = tf.tensor1d([3, -1, 2], 'int32');
      const a = tf.valueAndGrad((q: Tensor) => loss(y, q))(p);
      const b = tf.valueAndGrad((q: Tensor) => sparseCategoricalCrossentropyReference(y, q))(p);
      expect(a.value.dataSync()[0]).toBeCloseTo(-Math.log(0.8) / 3, 6);
      expect(maxRelDiff(a.value.dataSync(), b.value.dataSync())).toBeLessThanOrEqual(rel);
      expectClose(a.grad.dataSync(), b.grad.dataSync(), rel);
      expect(Array.from(a.grad.dataSync()).slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
      tf.dispose([p, y, a.value, a.grad, b.value, b.grad]);
    });

    it('a NaN or ±Infinity in a row, or an all-zero row, makes the loss and that row’s gradient NaN', () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        for (const col of [0, 2]) {
          const rows = [
            [0.2, 0.3, 0.5],
            [0.6, 0.3, 0.1],
          ];
          (rows[1] as number[])[col] = bad;
          const p = tf.tensor2d(rows);
          const y = tf.tensor1d([2, 0], 'int32');
          const a = tf.valueAndGrad((q: Tensor) => loss(y, q))(p);
          expect(a.value.dataSync()[0]).toBeNaN();
          const g = a.grad.arraySync() as number[][];
          expect(g[0]!.every(Number.isFinite)).toBe(true);
          expect(g[1]!.every(Number.isNaN)).toBe(true);
          if (backend === 'cpu') {
            // On cpu the op graph does the same (on wasm its ClipByValue maps NaN to ε instead).
            const b = tf.valueAndGrad((q: Tensor) => sparseCategoricalCrossentropyReference(y, q))(p);
            expect(b.value.dataSync()[0]).toBeNaN();
            expectClose(a.grad.dataSync(), b.grad.dataSync(), 0);
            tf.dispose([b.value, b.grad]);
          }
          tf.dispose([p, y, a.value, a.grad]);
        }
      }
      const zero = tf.tensor2d([
        [0, 0, 0],
        [0.6, 0.3, 0.1],
      ]);
      const y = tf.tensor1d([1, 0], 'int32');
      const a = tf.valueAndGrad((q: Tensor) => loss(y, q))(zero);
      expect(a.value.dataSync()[0]).toBeNaN();
      expect((a.grad.arraySync() as number[][])[0]!.every(Number.isNaN)).toBe(true);
      tf.dispose([zero, y, a.value, a.grad]);
    });

    it('keeps the op graph for logits, rank-3 predictions and int32 predictions (same values as before)', async () => {
      const y = tf.tensor1d([2, 0], 'int32');
      const p = tf.tensor2d([
        [0.2, 0.3, 0.5],
        [0.6, 0.3, 0.1],
      ]);
      const logits = sparseCategoricalCrossentropy({ fromLogits: true });
      const names = await kernelsOf(() => logits(y, p));
      expect(names.some((k) => k.startsWith('Steadygrad'))).toBe(false);
      expect(logits(y, p).dataSync()[0]).toBe(
        sparseCategoricalCrossentropyReference(y, p, { fromLogits: true }).dataSync()[0],
      );
      const seq = tf.reshape(p, [1, 2, 3]);
      const ySeq = tf.reshape(y, [1, 2]);
      expect(sparseCrossentropyHostAvailable(ySeq, seq)).toBe(false);
      expect(loss(ySeq, seq).dataSync()[0]).toBeCloseTo((-Math.log(0.5) - Math.log(0.6)) / 2, 6);
      const ints = tf.tensor2d([[1, 3]], [1, 2], 'int32');
      expect(sparseCrossentropyHostAvailable(tf.tensor1d([1], 'int32'), ints)).toBe(false);
      expect(loss(tf.tensor1d([1], 'int32'), ints).dataSync()[0]).toBeCloseTo(-Math.log(0.75), 6);
      tf.dispose([y, p, seq, ySeq, ints]);
    });

    it('keeps the shape checks and their messages', () => {
      const p = tf.ones([4, 3]);
      expect(() => loss(tf.tensor1d([0, 1, 2], 'int32'), p)).toThrow(
        /labels must have shape \[4\] \(or with a trailing 1\) for predictions \[4,3\], got \[3\]/,
      );
      expect(() => loss(tf.ones([4, 2], 'int32'), p)).toThrow(/got \[4,2\]/);
      expect(() => loss(tf.ones([4], 'int32'), tf.ones([4]))).toThrow(/yPred must have rank >= 2/);
      p.dispose();
    });
  });

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
      const argmax = [2, 0, 1, 0, 0, 2, 0, 1];
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
      expect(await kernelsOf(() => metric.perSample(y, p))).toEqual(['SteadygradSparseAccuracy']);
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
      const tol = backend === 'cpu' ? 0 : 1e-5;
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
