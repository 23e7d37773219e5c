import { type Params, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { chain } from './chain.js';
import { clipByValue } from './clip-by-value.js';
import { scale } from './scale.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { arr, t1 } from './test-utils/values.js';
import { trace } from './trace.js';

describe('chain', () => {
  it('equals applying a then b by hand, bit for bit, over several steps', () => {
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const params: Params = { w: t1([0.5, -1, 2]) };
      const a = scaleByAdam();
      const b = trace({ decay: 0.5, nesterov: true });
      const ab = chain(a, b);
      let sA = a.init(params);
      let sB = b.init(params);
      let sAB = ab.init(params);
      for (const g of [
        [1, -2, 3],
        [0.5, 0.25, -4],
        [2, 2, 2],
      ]) {
        const grads = { w: t1(g) };
        const ra = a.update(grads, sA, params);
        const rb = b.update(ra.updates, sB, params);
        const rab = ab.update(grads, sAB, params);
        expect(arr(rab.updates.w!)).toEqual(arr(rb.updates.w!));
        expect(arr(rab.updates.w!).every(Number.isFinite)).toBe(true);
        sA = ra.state;
        sB = rb.state;
        sAB = rab.state;
      }
      expect(sAB[0]).toMatchObject({ count: 3 });
      expect(arr((sAB[1] as { trace: Params }).trace.w!)).toEqual(arr(sB.trace.w!));
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('passes the updates of one link to the next (scale then clip differs from clip then scale)', () => {
    tf.tidy(() => {
      const g = { w: t1([0.4, -0.8]) };
      const p = { w: t1([0, 0]) };
      const sc = chain(scale(2), clipByValue(1));
      const cs = chain(clipByValue(1), scale(2));
      expect(arr(sc.update(g, sc.init(p), p).updates.w!)).toEqual([0.800000011920929, -1]);
      expect(arr(cs.update(g, cs.init(p), p).updates.w!)).toEqual([0.800000011920929, -1.600000023841858]);
    });
  });

  it('exposes the learning rate of its first scaleByLearningRate and sets it on all', () => {
    const tx = chain(
      scale(1),
      scaleByLearningRate(0.1),
      scaleByLearningRate((t) => 0.5 / (t + 1)),
    );
    const s = tx.init({});
    expect(tx.learningRate!.get(s)).toBe(0.1);
    const s2 = tx.learningRate!.set(s, 0.02);
    expect(s2[1]).toEqual({ count: 0, learningRate: 0.02 });
    expect(s2[2]).toEqual({ count: 0, learningRate: 0.02 });
    expect(tx.learningRate!.get(s2)).toBe(0.02);
    expect(chain(scale(2)).learningRate).toBeUndefined();
  });
});
