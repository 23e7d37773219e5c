import { type Params, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { scaleByNadam } from './scale-by-nadam.js';
import { expectError } from './test-utils/expect-error.js';
import { GRADS, runBlock } from './test-utils/run-block.js';
import { allClose, t1 } from './test-utils/values.js';

describe('scaleByNadam', () => {
  it('uses the Keras 3 momentum schedule β1(1 − 0.5·0.96^t), float64 by hand', () => {
    const b1 = 0.9;
    const b2 = 0.999;
    const mu = (t: number) => b1 * (1 - 0.5 * 0.96 ** t);
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    let product = 1;
    const expected = GRADS.map((g, k) => {
      const t = k + 1;
      product *= mu(t);
      return g.map((gi, i) => {
        m[i] = m[i]! + (gi - m[i]!) * (1 - b1);
        v[i] = v[i]! + (gi * gi - v[i]!) * (1 - b2);
        const mHat = (mu(t + 1) * m[i]!) / (1 - product * mu(t + 1)) + ((1 - mu(t)) * gi) / (1 - product);
        return mHat / (Math.sqrt(v[i]! / (1 - b2 ** t)) + 1e-7);
      });
    });
    const got = runBlock(scaleByNadam(), GRADS);
    expect(allClose(got, expected, 2e-6)).toBe(true);
  });

  it('keeps the schedule product as a plain number in the state', () => {
    tf.tidy(() => {
      const tx = scaleByNadam();
      const p: Params = { w: t1([1]) };
      const r = tx.update({ w: t1([1]) }, tx.init(p), p);
      expect(r.state.count).toBe(1);
      expect(r.state.muProduct).toBeCloseTo(0.9 * (1 - 0.5 * 0.96), 15);
    });
  });

  it('rejects b1, b2 outside [0, 1) and eps <= 0', () => {
    expectError(
      () => scaleByNadam({ b1: -0.1 }),
      'INVALID_ARGUMENT',
      /b1 must be a finite number >= 0 < 1, got -0.1/,
    );
    expectError(() => scaleByNadam({ b2: 1 }), 'INVALID_ARGUMENT', /b2 must be/);
    expectError(() => scaleByNadam({ eps: -1e-7 }), 'INVALID_ARGUMENT', /eps must be a finite number > 0/);
  });
});
