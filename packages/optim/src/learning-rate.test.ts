import { describe, expect, it } from 'vitest';
import { checkLearningRate, learningRateAt } from './learning-rate.js';
import { expectError } from './test-utils/expect-error.js';

describe('learning rates', () => {
  it('accepts numbers >= 0 and schedules; evaluates schedules at a step', () => {
    expect(checkLearningRate('learningRate', 0)).toBe(0);
    const s = (t: number) => 1 / (1 + t);
    expect(checkLearningRate('learningRate', s)).toBe(s);
    expect(learningRateAt(0.3, 7)).toBe(0.3);
    expect(learningRateAt(s, 3)).toBe(0.25);
  });

  it('rejects negative, non-finite and non-numeric values, and bad schedule values', () => {
    expectError(
      () => checkLearningRate('learningRate', -1e-3),
      'INVALID_ARGUMENT',
      /learningRate must be a finite number >= 0, got -0.001/,
    );
    expectError(
      () => checkLearningRate('lr', Number.POSITIVE_INFINITY),
      'INVALID_ARGUMENT',
      /lr must be a finite number >= 0/,
    );
    expectError(
      () => checkLearningRate('lr', null),
      'INVALID_ARGUMENT',
      /lr must be a finite number >= 0 or a schedule/,
    );
    expectError(
      () => learningRateAt(() => Number.NaN, 4),
      'INVALID_ARGUMENT',
      /schedule value at step 4 must be a finite number >= 0/,
    );
  });
});
