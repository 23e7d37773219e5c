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
});
