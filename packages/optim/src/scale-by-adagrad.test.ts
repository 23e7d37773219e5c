import { describe, expect, it } from 'vitest';
import { scaleByAdagrad } from './scale-by-adagrad.js';
import { expectError } from './test-utils/expect-error.js';
import { GRADS, runBlock } from './test-utils/run-block.js';
import { allClose } from './test-utils/values.js';

describe('scaleByAdagrad', () => {
  it('is g/√(a + ε), a = initial + Σg² (Keras)', () => {
    const acc = [0.1, 0.1, 0.1];
    const expected = GRADS.map((g) =>
      g.map((gi, i) => {
        acc[i] = acc[i]! + gi * gi;
        return gi / Math.sqrt(acc[i]! + 1e-7);
      }),
    );
    const got = runBlock(scaleByAdagrad(), GRADS);
    expect(allClose(got, expected)).toBe(true);
  });

  it('rejects a negative initial accumulator and eps <= 0', () => {
    expectError(
      () => scaleByAdagrad({ initialAccumulatorValue: -0.1 }),
      'INVALID_ARGUMENT',
      /initialAccumulatorValue must be a finite number >= 0, got -0.1/,
    );
    expectError(
      () => scaleByAdagrad({ eps: 0 }),
      'INVALID_ARGUMENT',
      /eps must be a finite number > 0, got 0/,
    );
  });
});
