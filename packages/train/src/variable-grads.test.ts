import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { variableGrads } from './variable-grads.js';

beforeAll(() => {
  registerGradients();
});

describe('variableGrads', () => {
  it('returns the same value and gradients as tf.variableGrads', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const before = tf.memory().numTensors;
    const { value, grads } = variableGrads(() => tf.sum(tf.square(v)), [v]);
    expect(value.dataSync()[0]).toBe(14);
    expect(Array.from(grads[v.name]!.dataSync())).toEqual([2, 4, 6]);
    tf.dispose([value, grads[v.name]!]);
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it('frees the tensors the tape saved when f throws (raw tfjs leaks them)', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const failing = () => {
      const h = tf.exp(tf.mul(v, 2)); // Exp saves its output, Mul its inputs
      tf.sigmoid(h);
      throw new Error('boom');
    };
    let before = tf.memory().numTensors;
    expect(() => tf.variableGrads(failing as never, [v])).toThrow('boom');
    const rawLeak = tf.memory().numTensors - before;
    expect(rawLeak).toBeGreaterThan(0); // documents the tfjs behaviour this wrapper fixes
    before = tf.memory().numTensors;
    expect(() => variableGrads(failing as never, [v])).toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
    // the engine still works afterwards
    const { value, grads } = variableGrads(() => tf.sum(v), [v]);
    expect(Array.from(grads[v.name]!.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([value, grads[v.name]!]);
    v.dispose();
  });
});
