import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { linear } from './linear.js';
import { expectMatchesTorch } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('linear', () => {
  it('is the identity with gradient 1', () => {
    expectMatchesTorch(linear, 'linear');
  });
  it('returns a new handle: disposing the input leaves the output readable', () => {
    const x = tf.tensor1d([1, 2]);
    const y = linear.apply(x);
    expect(y).not.toBe(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2]);
    y.dispose();
  });
  it('casts integer input to float32', () => {
    const x = tf.tensor1d([1, 2], 'int32');
    const y = linear.apply(x);
    expect(y.dtype).toBe('float32');
    tf.dispose([x, y]);
  });
});
