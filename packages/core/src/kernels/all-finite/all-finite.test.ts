import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { allFinite } from './all-finite.js';

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'])('allFinite on %s', (backend) => {
  it('is 1 for finite values and 0 as soon as one is NaN or ±Infinity, as all(isFinite(x)); leaks nothing', async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    const before = tf.memory().numTensors;
    const cases: [number[], number][] = [
      [[0, -1.5, 3e38, -3e38, 1e-45], 1],
      [[1, Number.NaN, 2], 0],
      [[Number.POSITIVE_INFINITY], 0],
      [[2, 3, Number.NEGATIVE_INFINITY], 0],
      [[], 1],
    ];
    for (const [values, expected] of cases) {
      const x = tf.tensor1d(values, 'float32');
      const flag = allFinite(x);
      const reference = tf.tidy(() => tf.cast(tf.all(tf.isFinite(x)), 'float32'));
      expect(flag.dtype).toBe('float32');
      expect(flag.shape).toEqual([]);
      expect(flag.dataSync()[0]).toBe(expected);
      // tfjs's all() of an empty tensor is not 1 (0 on cpu, an unset value on wasm): no reference there.
      if (values.length > 0) expect(reference.dataSync()[0]).toBe(expected);
      tf.dispose([x, flag, reference]);
    }
    // int32 input takes the tfjs path; an empty one is finite without a kernel
    const i = tf.tensor1d([1, 2], 'int32');
    const e = tf.tensor1d([], 'int32');
    const [fi, fe] = [allFinite(i), allFinite(e)];
    expect([fi.dataSync()[0], fe.dataSync()[0]]).toEqual([1, 1]);
    tf.dispose([i, e, fi, fe]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
