import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type HostKernel, hostKernelAvailable, registerHostKernel, runHostKernel } from './host-kernel.js';

interface AxpyAttrs {
  readonly alpha: number;
}

/** out = alpha·x + y; colSum = Σ over rows of out (when x is a matrix). Optional y (treated as 0). */
const axpy: HostKernel<AxpyAttrs> = {
  name: 'SteadygradTestAxpy',
  inputs: ['x', 'y'],
  outputs: ['out', 'colSum'],
  outputShapes: (s) => ({
    out: s.x,
    colSum: s.x !== undefined && s.x.length === 2 ? [s.x[1] as number] : undefined,
  }),
  compute(i, o, s, { alpha }) {
    const x = i.x as Float32Array;
    const y = i.y;
    const out = o.out as Float32Array;
    for (let k = 0; k < x.length; k++)
      out[k] = alpha * (x[k] as number) + (y === undefined ? 0 : (y[k] as number));
    const colSum = o.colSum;
    if (colSum !== undefined) {
      const [rows, cols] = s.x as [number, number];
      colSum.fill(0);
      for (let r = 0; r < rows; r++)
        for (let c = 0; c < cols; c++) colSum[c] = (colSum[c] as number) + (out[r * cols + c] as number);
    }
  },
};

/**
 * out[r] = x[r, index[r]] + (offset === undefined ? 0 : offset[r]) for float32 `x` `[n, K]` and int32 `index`
 * and `offset` `[n]` (offset optional); an index outside [0, K) gives −1.
 */
const pick: HostKernel = {
  name: 'SteadygradTestPick',
  inputs: ['x', 'index', 'offset'],
  int32Inputs: ['index', 'offset'],
  outputs: ['out'],
  outputShapes: (s) => ({ out: [(s.x as readonly number[])[0] as number] }),
  compute(i, o, s, _attrs, ints) {
    const [n, k] = s.x as [number, number];
    const x = i.x as Float32Array;
    const index = ints.index as Int32Array;
    const offset = ints.offset;
    const out = o.out as Float32Array;
    for (let r = 0; r < n; r++) {
      const c = index[r] as number;
      const v = c >= 0 && c < k ? (x[r * k + c] as number) : -1;
      out[r] = v + (offset === undefined ? 0 : (offset[r] as number));
    }
  },
};

for (const backend of ['cpu', 'wasm']) {
  describe(`host kernels on ${backend}`, () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    it('runs one kernel with several outputs and optional inputs, without leaks', async () => {
      await tf.setBackend(backend);
      await tf.ready();
      expect(hostKernelAvailable(axpy)).toBe(true);
      const before = tf.memory().numTensors;
      const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
      const y = tf.tensor2d([10, 20, 30, 40, 50, 60], [2, 3]);
      const [out, colSum] = runHostKernel(axpy, { x, y }, { alpha: 2 });
      expect(out?.shape).toEqual([2, 3]);
      expect(Array.from(await (out as tf.Tensor).data())).toEqual([12, 24, 36, 48, 60, 72]);
      expect(Array.from(await (colSum as tf.Tensor).data())).toEqual([60, 84, 108]);
      const only = runHostKernel(axpy, { x: tf.tensor1d([1, -1]) }, { alpha: 3 });
      expect(only).toHaveLength(1);
      expect(Array.from(await (only[0] as tf.Tensor).data())).toEqual([3, -3]);
      tf.dispose([x, y, out as tf.Tensor, colSum as tf.Tensor, ...only]);
      expect(tf.memory().numTensors).toBe(before + 1); // the 1-D input above is not disposed here
    });

    it('survives heap growth between calls (views are re-taken per call)', async () => {
      await tf.setBackend(backend);
      const x = tf.ones([64]);
      const big = tf.zeros([4_000_000]); // may grow the wasm heap
      const [out] = runHostKernel(axpy, { x }, { alpha: 0.5 });
      expect((await (out as tf.Tensor).data()).every((v) => v === 0.5)).toBe(true);
      tf.dispose([x, big, out as tf.Tensor]);
    });

    it('reads int32 inputs as Int32Array (created or computed by the backend), optional ones too', async () => {
      await tf.setBackend(backend);
      expect(hostKernelAvailable(pick)).toBe(true);
      const before = tf.memory().numTensors;
      const x = tf.tensor2d([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5], [3, 3]);
      const index = tf.tensor1d([2, 0, -7], 'int32');
      const [out] = runHostKernel(pick, { x, index }, {});
      expect(out?.dtype).toBe('float32');
      expect(Array.from(await (out as tf.Tensor).data())).toEqual([2.5, 3.5, -1]);
      // int32 tensors that kernels of the backend produced: argMax's output, a cast from float32, and large values.
      const argmax = tf.argMax(x, -1);
      const offsetFloat = tf.tensor1d([100000.7, -2_000_000_000, 3]);
      const offset = tf.cast(offsetFloat, 'int32');
      const [out2] = runHostKernel(pick, { x, index: argmax, offset }, {});
      expect(Array.from(await (out2 as tf.Tensor).data())).toEqual([
        100002.5,
        Math.fround(-2_000_000_000 + 5.5),
        11.5,
      ]);
      tf.dispose([x, index, out as tf.Tensor, argmax, offsetFloat, offset, out2 as tf.Tensor]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('int32 views survive heap growth and sit at the right offsets among float32 tensors', async () => {
      await tf.setBackend(backend);
      const n = 1000;
      const x = tf.tensor2d(
        Float32Array.from({ length: n * 4 }, (_, j) => j),
        [n, 4],
      );
      const big = tf.zeros([4_000_000]); // may grow the wasm heap
      const index = tf.tensor1d(
        Int32Array.from({ length: n }, (_, r) => r % 4),
        'int32',
      );
      const [out] = runHostKernel(pick, { x, index }, {});
      const values = await (out as tf.Tensor).data();
      expect(Array.from(values)).toEqual(Array.from({ length: n }, (_, r) => r * 4 + (r % 4)));
      tf.dispose([x, big, index, out as tf.Tensor]);
    });
  });
}

describe('registration', () => {
  it('is idempotent and rejects non-float inputs', async () => {
    await tf.setBackend('cpu');
    registerHostKernel(axpy);
    registerHostKernel(axpy);
    expect(tf.getKernel('SteadygradTestAxpy', 'cpu')).toBeDefined();
    expect(tf.getKernel('SteadygradTestAxpy', 'wasm')).toBeDefined();
    const i = tf.tensor1d([1, 2], 'int32');
    expect(() => runHostKernel(axpy, { x: i }, { alpha: 1 })).toThrow(/float32/);
    i.dispose();
  });

  it('runs each copy of a kernel of the same name (two copies of the package in one process): the caller wins', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      // Two kernel objects under one name, as two module instances of a package would register them.
      const copy = (factor: number): HostKernel => ({
        name: 'SteadygradTestTwoCopies',
        inputs: ['x'],
        outputs: ['out'],
        outputShapes: (s) => ({ out: s.x }),
        compute(i, o) {
          const x = i.x as Float32Array;
          const out = o.out as Float32Array;
          for (let k = 0; k < x.length; k++) out[k] = factor * (x[k] as number);
        },
      });
      const first = copy(2);
      const second = copy(3);
      const x = tf.tensor1d([1, -4]);
      const run = (k: HostKernel): number[] => {
        const [out] = runHostKernel(k, { x }, {});
        const v = Array.from((out as tf.Tensor).dataSync());
        (out as tf.Tensor).dispose();
        return v;
      };
      expect(run(first)).toEqual([2, -8]);
      expect(run(second)).toEqual([3, -12]);
      expect(run(first)).toEqual([2, -8]);
      const func = tf.getKernel('SteadygradTestTwoCopies', backend)?.kernelFunc;
      registerHostKernel(first); // already the registered one: nothing changes
      expect(tf.getKernel('SteadygradTestTwoCopies', backend)?.kernelFunc).toBe(func);
      x.dispose();
    }
    await tf.setBackend('cpu');
  });

  it('checks the dtypes of int32 inputs and their declaration', async () => {
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      const before = tf.memory().numTensors;
      const x = tf.ones([2, 2]);
      const f = tf.tensor1d([0, 1]);
      const i = tf.tensor1d([0, 1], 'int32');
      expect(() => runHostKernel(pick, { x, index: f }, {})).toThrow(/'index' must be int32, got float32/);
      expect(() => runHostKernel(pick, { x: i, index: i }, {})).toThrow(/'x' must be float32, got int32/);
      tf.dispose([x, f, i]);
      expect(tf.memory().numTensors).toBe(before);
    }
    await tf.setBackend('cpu');
    const bad: HostKernel = { ...pick, name: 'SteadygradTestBadInt32', int32Inputs: ['labels'] };
    expect(() => registerHostKernel(bad)).toThrow(/int32 input 'labels' is not one of its inputs/);
    expect(tf.getKernel('SteadygradTestBadInt32', 'cpu')).toBeUndefined();
  });
});
