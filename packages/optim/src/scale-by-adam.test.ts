import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { scaleByAdam } from './scale-by-adam.js';
import { expectError } from './test-utils/expect-error.js';
import { GRADS, runBlock } from './test-utils/run-block.js';
import { allClose, close } from './test-utils/values.js';

function reference(b1: number, b2: number, eps: number, amsgrad: boolean): number[][] {
  const n = GRADS[0]!.length;
  const m = new Array<number>(n).fill(0);
  const v = new Array<number>(n).fill(0);
  const vMax = new Array<number>(n).fill(0);
  return GRADS.map((g, k) => {
    const t = k + 1;
    return g.map((gi, i) => {
      m[i] = m[i]! + (gi - m[i]!) * (1 - b1);
      v[i] = v[i]! + (gi * gi - v[i]!) * (1 - b2);
      vMax[i] = Math.max(vMax[i]!, v[i]!);
      const vv = amsgrad ? vMax[i]! : v[i]!;
      return ((Math.sqrt(1 - b2 ** t) / (1 - b1 ** t)) * m[i]!) / (Math.sqrt(vv) + eps);
    });
  });
}

describe('scaleByAdam', () => {
  it('is √(1 − β2^t)/(1 − β1^t)·m/(√v + ε̂) (Keras epsilon hat), float64 by hand', () => {
    const before = tf.memory().numTensors;
    const got = runBlock(scaleByAdam(), GRADS);
    expect(allClose(got, reference(0.9, 0.999, 1e-7, false))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('AMSGrad divides by the running maximum of v', () => {
    const got = runBlock(scaleByAdam({ b1: 0.5, b2: 0.9, eps: 1e-3, amsgrad: true }), GRADS);
    const plain = runBlock(scaleByAdam({ b1: 0.5, b2: 0.9, eps: 1e-3 }), GRADS);
    expect(allClose(got, reference(0.5, 0.9, 1e-3, true))).toBe(true);
    expect(close(got[3]!, plain[3]!)).toBe(false);
  });

  it('rejects b1, b2 outside [0, 1) and eps <= 0', () => {
    expectError(
      () => scaleByAdam({ b1: 1 }),
      'INVALID_ARGUMENT',
      /b1 must be a finite number >= 0 < 1, got 1/,
    );
    expectError(() => scaleByAdam({ b2: -0.5 }), 'INVALID_ARGUMENT', /b2 must be .* got -0.5/);
    expectError(() => scaleByAdam({ eps: 0 }), 'INVALID_ARGUMENT', /eps must be a finite number > 0, got 0/);
  });
});
