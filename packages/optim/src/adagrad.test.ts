import { describe, expect, it } from 'vitest';
import { adagrad } from './adagrad.js';
import { Optimizer } from './optimizer.js';
import { expectError } from './test-utils/expect-error.js';
import { caseError, casesOf } from './test-utils/reference.js';

describe('adagrad', () => {
  it.each(casesOf('adagrad').map(({ source, c }) => [`${source}:${c.name}`, c] as const))(
    'matches the %s trajectory (25 steps, rel. error <= 1e-5)',
    (_, c) => {
      expect(caseError(c)).toBeLessThanOrEqual(1e-5);
    },
  );

  it('has the Keras 3 default learning rate 0.001', () => {
    expect(new Optimizer(adagrad()).learningRate).toBe(0.001);
  });

  it.each([
    [{ learningRate: -1 }, /learningRate must be a finite number >= 0, got -1/],
    [{ initialAccumulatorValue: -1 }, /initialAccumulatorValue must be a finite number >= 0, got -1/],
    [{ epsilon: -1e-7 }, /epsilon must be a finite number > 0/],
    [{ clipValue: -1 }, /clipValue must be a finite number > 0, got -1/],
  ])('rejects %j with INVALID_ARGUMENT naming the option and its domain', (options, message) => {
    expectError(() => adagrad(options), 'INVALID_ARGUMENT', message);
  });
});
