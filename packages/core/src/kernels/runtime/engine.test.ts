import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../../gradients.js';
import { gradientTapeRecording, releaseAbandonedTape, runEngineKernel } from './engine.js';

beforeAll(async () => {
  registerGradients();
  await tf.setBackend('cpu');
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('engine access', () => {
  it('gradientTapeRecording is true inside a gradient only', () => {
    expect(gradientTapeRecording()).toBe(false);
    let inside: boolean | undefined;
    const g = tf.grad((x: tf.Tensor) => {
      inside = gradientTapeRecording();
      return tf.sum(tf.square(x));
    })(tf.tensor1d([1, 2]));
    expect(inside).toBe(true);
    expect(Array.from(g.dataSync())).toEqual([2, 4]);
    tf.dispose(g);
  });

  it('runEngineKernel runs a registered kernel directly', async () => {
    const a = tf.tensor1d([1, -2, 3]);
    const y = runEngineKernel('Relu', { x: a }, {}) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([1, 0, 3]);
    tf.dispose([a, y]);
  });

  it('releaseAbandonedTape frees what the tape saved for a backward pass that never runs', async () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const before = tf.memory().numTensors;
    expect(() =>
      tf.variableGrads(() => {
        const y = tf.sum(tf.exp(tf.mul(v, 2)));
        if (y.shape.length === 0) throw new Error('boom');
        return y as tf.Scalar;
      }),
    ).toThrow('boom');
    const leaked = tf.memory().numTensors - before;
    releaseAbandonedTape();
    expect(leaked).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    // Nothing left to free: a second call changes nothing.
    releaseAbandonedTape();
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });
});
