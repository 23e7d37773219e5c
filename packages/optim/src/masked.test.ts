import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { masked } from './masked.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { arr, t1 } from './test-utils/values.js';
import { trace } from './trace.js';

describe('masked', () => {
  it('applies the inner transformation to selected parameters and passes the others through unchanged', () => {
    tf.tidy(() => {
      const tx = masked(trace({ decay: 0.5 }), { w: true, b: false });
      const params = { w: t1([1, 1]), b: t1([1]) };
      const s0 = tx.init(params);
      expect(Object.keys(s0.trace)).toEqual(['w']); // state for the selected parameters only
      const u1 = { w: t1([2, 4]), b: t1([3]) };
      const r1 = tx.update(u1, s0, params);
      const u2 = { w: t1([2, 4]), b: t1([3]) };
      const r2 = tx.update(u2, r1.state, params);
      expect(arr(r2.updates.w!)).toEqual([3, 6]);
      expect(r2.updates.b).toBe(u2.b); // the very same tensor: bit-identical
    });
  });

  it('forwards the inner learning rate', () => {
    const tx = masked(scaleByLearningRate(0.3), () => true);
    expect(tx.learningRate!.get(tx.init({}))).toBe(0.3);
    expect(masked(trace({ decay: 0.1 }), () => true).learningRate).toBeUndefined();
  });
});
