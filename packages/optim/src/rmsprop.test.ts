import { describe, expect, it } from 'vitest';
import { Optimizer } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { expectError } from './test-utils/expect-error.js';
import { caseError, casesOf } from './test-utils/reference.js';

describe('rmsprop', () => {
  it.each(casesOf('rmsprop').map(({ source, c }) => [`${source}:${c.name}`, c] as const))(
    'matches the %s trajectory (25 steps, rel. error <= 1e-5)',
    (_, c) => {
      expect(caseError(c)).toBeLessThanOrEqual(1e-5);
    },
  );

  it('has the Keras 3 default learning rate 0.001', () => {
    expect(new Optimizer(rmsprop()).learningRate).toBe(0.001);
  });

  it.each([
    [{ learningRate: -1 }, /learningRate must be a finite number >= 0, got -1/],
    [{ rho: 1 }, /rho must be a finite number >= 0 < 1, got 1/],
    [{ rho: -0.1 }, /rho must be a finite number >= 0 < 1, got -0.1/],
    [{ momentum: 1.5 }, /momentum must be a finite number >= 0 < 1, got 1.5/],
    [{ epsilon: 0 }, /epsilon must be a finite number > 0, got 0/],
    [{ clipNorm: 1, globalClipNorm: 1 }, /only one of clipValue, clipNorm and globalClipNorm/],
  ])('rejects %j with INVALID_ARGUMENT naming the option and its domain', (options, message) => {
    expectError(() => rmsprop(options), 'INVALID_ARGUMENT', message);
  });
});
