// The README's stability promises on every backend a Node user has: softplus and mish in the far negative
// tail (where tfjs-wasm's Log1p returns 0 for arguments below 6e-8) and the positive tail, against a float64
// reference computed here with Math.log1p / Math.tanh.
import '@tensorflow/tfjs-backend-wasm';
import { registerGradients, tf } from '@steadygrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mish } from './mish.js';
import { softplus } from './softplus.js';

const POINTS = [-80, -50, -30, -20, -17, -15, -10, -5, -1, -1e-3, 0, 1e-3, 1, 5, 10, 20, 30, 80];

function softplus64(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

const REFERENCE = {
  softplus: softplus64,
  mish: (x: number) => x * Math.tanh(softplus64(x)),
};

beforeAll(() => registerGradients());
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(['cpu', 'wasm'])('softplus and mish on %s against float64', (backend) => {
  beforeAll(async () => {
    expect(await tf.setBackend(backend)).toBe(true);
    await tf.ready();
  });

  it.each([
    ['softplus', softplus],
    ['mish', mish],
  ] as const)('%s: relative error <= 1e-6 from -80 to 80', (name, activation) => {
    expect(tf.getBackend()).toBe(backend);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(POINTS);
    const y = activation.apply(x);
    const got = Array.from(y.dataSync());
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    const bad = POINTS.flatMap((p, i) => {
      const want = Math.fround(REFERENCE[name](p));
      const value = got[i] as number;
      return Math.abs(value - want) <= 1e-6 * Math.abs(want)
        ? []
        : [`${name}(${p}) = ${value}, float64 ${want}`];
    });
    expect(bad).toEqual([]);
  });

  it('softplus(−20) and mish(−20) are the tiny nonzero values the README promises', () => {
    const x = tf.scalar(-20);
    const [sp, mi] = [softplus.apply(x), mish.apply(x)];
    expect(sp.dataSync()[0]).toBeCloseTo(2.0611536e-9, 15);
    expect(mi.dataSync()[0]).toBeCloseTo(-4.1223072e-8, 14);
    tf.dispose([x, sp, mi]);
  });
});
