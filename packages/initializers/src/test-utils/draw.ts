import { type Initializer, RandomStream, tf } from '@steadygrad/core';
import { expect } from 'vitest';

/** Draws once with a fresh stream, checks dtype/shape, reads the values back and disposes the tensor. */
export function draw(init: Initializer, shape: readonly number[], seed = 0): Float32Array {
  const before = tf.memory().numTensors;
  const t = init.init(shape, new RandomStream(seed));
  expect(t.dtype).toBe('float32');
  expect(t.shape).toEqual([...shape]);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return values;
}

/** Bitwise equality of two draws (fast for large arrays, where a deep `toEqual` is slow). */
export function expectSameValues(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let differing = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing++;
  expect(differing).toBe(0);
}
