// The fused (host-kernel) sparse categorical cross-entropy against the plain op graph it replaces, on the cpu
// and wasm backends: values, gradients, edge cases, leaks.
import '@tensorflow/tfjs-backend-wasm';
import { type Tensor, tf } from '@steadygrad/core';
import { sparseCrossentropyHostAvailable } from '@steadygrad/core/kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { sparseCategoricalCrossentropy, sparseCategoricalCrossentropyReference } from './losses.js';
import {
  CASES,
  type Case,
  expectClose,
  fixtures,
  flat,
  HI,
  kernelBackends,
  kernelsOf,
  LO,
  maxRelDiff,
  record,
  sparseKernelSuite,
} from './test-utils/sparse-categorical-cases.js';

sparseKernelSuite();

for (const backend of kernelBackends()) {
  describe(`sparse categorical cross-entropy on probabilities, fused, on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

    const loss = sparseCategoricalCrossentropy();
    // cpu: the kernels round where the graph rounds, so the results are the same bit for bit. wasm: XNNPACK's
    // float32 sums and logs differ from the graph's by an ulp or two. tensorflow: the kernels' TensorFlow forms
    // run the graph's own TensorFlow ops, so the same bit for bit.
    const rel = backend === 'wasm' ? 2e-6 : 0;

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
      const withGrad = await kernelsOf(() => tf.grad((q: Tensor) => loss(y, q))(p));
      console.log(`${backend}: loss + gradient kernels, fused: ${withGrad.join(' ')}`);
      if (backend === 'tensorflow') {
        // Backend-specific: the TensorFlow forms call TensorFlow's ops directly, outside tfjs's kernels, so
        // the profile sees no kernel of the loss at all.
        expect(forward).toEqual(['unnamed scope']);
        expect(withGrad.filter((k) => k.startsWith('Steadygrad'))).toEqual([]);
      } else {
        expect(forward).toEqual(['SteadygradSparseCrossentropy', 'unnamed scope']);
        expect(withGrad.filter((k) => k.startsWith('Steadygrad'))).toEqual([
          'SteadygradSparseCrossentropy',
          'SteadygradSparseCrossentropyGrad',
        ]);
      }
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
      const none = Array.from(a.grad.dataSync()).slice(0, 6);
      if (backend === 'tensorflow') {
        // Backend-specific: the graph's gradient there is −0 (its (−dy/n)·0 products), and so is the kernel's,
        // bit for bit.
        expect(none).toEqual([-0, -0, -0, -0, -0, -0]);
        expect(none).toEqual(Array.from(b.grad.dataSync()).slice(0, 6));
      } else {
        expect(none).toEqual([0, 0, 0, 0, 0, 0]);
      }
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
          if (backend !== 'wasm') {
            // On cpu and tensorflow the op graph does the same (on wasm its ClipByValue maps NaN to ε instead).
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
}
