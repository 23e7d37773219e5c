import { describe, expect, it } from 'vitest';
import { constant } from './constant.js';
import { expectError } from './test-utils/expect-error.js';

describe('constant', () => {
  it('returns the value at every step, fractional steps included', () => {
    const f = constant(0.01);
    expect([0, 1, 2.5, 1e9].map(f)).toEqual([0.01, 0.01, 0.01, 0.01]);
    expect(constant(0)(3)).toBe(0);
  });

  it('rejects negative or non-finite values and bad steps', () => {
    expectError(() => constant(-1), 'INVALID_ARGUMENT', /value must be a finite number >= 0, got -1/);
    expectError(() => constant(Number.NaN), 'INVALID_ARGUMENT', /value must be/);
    expectError(() => constant(1)(-1), 'INVALID_ARGUMENT', /step must be a finite number >= 0, got -1/);
    expectError(() => constant(1)(Number.POSITIVE_INFINITY), 'INVALID_ARGUMENT', /step must be/);
    expectError(() => constant(1)(Number.NaN), 'INVALID_ARGUMENT', /step must be/);
  });
});
