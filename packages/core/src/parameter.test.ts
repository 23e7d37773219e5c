import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isSteadygradError } from './errors.js';
import { Parameter } from './parameter.js';

describe('Parameter.assign', () => {
  it('converts a numeric value of another dtype without leaking the converted copy', () => {
    const p = new Parameter('dense/bias', tf.zeros([3]));
    const ints = tf.tensor1d([1, 2, 3], 'int32');
    const bools = tf.tensor1d([true, false, true], 'bool');
    const before = tf.memory().numTensors;
    p.assign(ints);
    expect(Array.from(p.variable.dataSync())).toEqual([1, 2, 3]);
    p.assign(bools);
    expect(Array.from(p.variable.dataSync())).toEqual([1, 0, 1]);
    expect(p.variable.dtype).toBe('float32');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([ints, bools]);
    p.dispose();
  });

  it('refuses a string value and a wrong shape with typed errors, changing nothing', () => {
    const p = new Parameter('dense/bias', tf.tensor1d([4, 5, 6]));
    const strings = tf.tensor1d(['a', 'b', 'c'], 'string');
    const wide = tf.zeros([4]);
    const before = tf.memory().numTensors;
    try {
      p.assign(strings);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'DTYPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toBe("parameter 'dense/bias' holds float32 values, got a string tensor");
    }
    expect(() => p.assign(wide)).toThrow("parameter 'dense/bias' expects shape [3], got [4]");
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(p.variable.dataSync())).toEqual([4, 5, 6]);
    tf.dispose([strings, wide]);
    p.dispose();
  });
});
