import { registerGradients, SteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { checkWeightSize, MAX_WEIGHT_ELEMENTS } from './check-weight-size.js';
import { Dense } from './dense.js';
import { Sequential } from './sequential.js';

function error(f: () => unknown): SteadygradError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SteadygradError);
    return e as SteadygradError;
  }
  throw new Error('expected an error');
}

describe('absurd layer sizes are typed errors, not RangeErrors (issue 20)', () => {
  it('Dense({ units: 1e9 }) is OUT_OF_RANGE when built, before any allocation', () => {
    const e = error(() => new Sequential([new Dense({ units: 1e9, inputShape: [4], name: 'huge' })]).build());
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.message).toMatch(/'huge'.*\[4, 1000000000\]/);
    expect(e.message).toMatch(/268435456/);
  });

  it('a kernel over the limit is refused before anything is allocated', () => {
    registerGradients();
    const before = tf.memory().numTensors;
    const e = error(() => {
      const model = new Sequential([new Dense({ units: 2 ** 20, inputShape: [1024], name: 'wide' })]);
      model.build();
    });
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.message).toMatch(/'wide'.*kernel of shape \[1024, 1048576\]/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => checkWeightSize('x', 'bias', [MAX_WEIGHT_ELEMENTS])).not.toThrow();
  });
});
