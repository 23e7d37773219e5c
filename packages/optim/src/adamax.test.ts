import { describe, expect, it } from 'vitest';
import { adamax } from './adamax.js';
import { Optimizer } from './optimizer.js';
import { expectError } from './test-utils/expect-error.js';
import { caseError, casesOf } from './test-utils/reference.js';

describe('adamax', () => {
  it.each(casesOf('adamax').map(({ source, c }) => [`${source}:${c.name}`, c] as const))(
    'matches the %s trajectory (25 steps, rel. error <= 1e-5)',
    (_, c) => {
      expect(caseError(c)).toBeLessThanOrEqual(1e-5);
    },
  );

  it('has the Keras 3 default learning rate 0.001', () => {
    expect(new Optimizer(adamax()).learningRate).toBe(0.001);
  });

  it.each([
    [{ learningRate: -1 }, /learningRate must be a finite number >= 0, got -1/],
    [{ beta1: 1 }, /beta1 must be a finite number >= 0 < 1, got 1/],
    [{ beta2: -0.1 }, /beta2 must be a finite number >= 0 < 1, got -0.1/],
    [{ epsilon: 0 }, /epsilon must be a finite number > 0, got 0/],
    [{ clipNorm: 1, globalClipNorm: 2 }, /only one of clipValue, clipNorm and globalClipNorm/],
  ])('rejects %j with INVALID_ARGUMENT naming the option and its domain', (options, message) => {
    expectError(() => adamax(options), 'INVALID_ARGUMENT', message);
  });
});
