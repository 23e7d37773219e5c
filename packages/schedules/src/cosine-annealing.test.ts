import { describe, expect, it } from 'vitest';
import { cosineAnnealing } from './cosine-annealing.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

describe('cosineAnnealing (PyTorch CosineAnnealingLR)', () => {
  it.each(torchFixtures.cosineAnnealing.map((c) => [c.options.T_max, c.options.eta_min, c.lr.length, c]))(
    'T_max %i, eta_min %f: matches torch over %i epochs (past T_max, where it rises again)',
    (_t, _e, _n, c) => {
      const f = cosineAnnealing({
        initialLearningRate: c.options.lr,
        tMax: c.options.T_max,
        etaMin: c.options.eta_min,
      });
      expectAllClose(valuesOf(f, c.lr.length), c.lr);
    },
  );

  it('is periodic with period 2 · tMax, fractional epochs included', () => {
    const f = cosineAnnealing({ initialLearningRate: 1, tMax: 10, etaMin: 0.1 });
    expect(f(0)).toBe(1);
    expect(f(5)).toBeCloseTo(0.55, 15);
    expect(f(10)).toBeCloseTo(0.1, 15);
    expect(f(20)).toBeCloseTo(1, 15);
    expect(f(2.5)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 4)), 15);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => cosineAnnealing({ initialLearningRate: 0.1, tMax: 0 }),
      'INVALID_ARGUMENT',
      /tMax must be a finite number > 0, got 0/,
    );
    expectError(
      () => cosineAnnealing({ initialLearningRate: 0.1, tMax: 5, etaMin: -1 }),
      'INVALID_ARGUMENT',
      /etaMin must be/,
    );
  });
});
