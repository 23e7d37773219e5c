import { describe, expect, it } from 'vitest';
import { cosineAnnealingWarmRestarts } from './cosine-annealing-warm-restarts.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

describe('cosineAnnealingWarmRestarts (PyTorch CosineAnnealingWarmRestarts)', () => {
  it.each(
    torchFixtures.cosineAnnealingWarmRestarts.map((c) => [c.options.T_0, c.options.T_mult, c.lr.length, c]),
  )('T_0 %i, T_mult %i: matches torch (chained step()) over %i epochs', (_t0, _m, _n, c) => {
    const f = cosineAnnealingWarmRestarts({
      initialLearningRate: c.options.lr,
      t0: c.options.T_0,
      tMult: c.options.T_mult,
      etaMin: c.options.eta_min,
    });
    expectAllClose(valuesOf(f, c.lr.length), c.lr);
  });

  it.each(
    torchFixtures.cosineAnnealingWarmRestartsFractional.map((c) => [c.options.T_0, c.options.T_mult, c]),
  )('T_0 %i, T_mult %i: matches torch step(epoch + i / iters) at fractional epochs', (_t0, _m, c) => {
    const f = cosineAnnealingWarmRestarts({
      initialLearningRate: c.options.lr,
      t0: c.options.T_0,
      tMult: c.options.T_mult,
      etaMin: c.options.eta_min,
    });
    expectAllClose(valuesOf(f, c.epoch), c.lr);
  });

  it('restarts at eta_max at the start of each period', () => {
    const f = cosineAnnealingWarmRestarts({ initialLearningRate: 0.2, t0: 5, tMult: 2, etaMin: 0.01 });
    expect([0, 5, 15, 35].map(f)).toEqual([0.2, 0.2, 0.2, 0.2]);
    expect(f(2.5)).toBeCloseTo(0.105, 15);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => cosineAnnealingWarmRestarts({ initialLearningRate: 0.1, t0: 0 }),
      'INVALID_ARGUMENT',
      /t0 must be an integer >= 1, got 0/,
    );
    expectError(
      () => cosineAnnealingWarmRestarts({ initialLearningRate: 0.1, t0: 2.5 }),
      'INVALID_ARGUMENT',
      /t0 must be an integer/,
    );
    expectError(
      () => cosineAnnealingWarmRestarts({ initialLearningRate: 0.1, t0: 10, tMult: 1.5 }),
      'INVALID_ARGUMENT',
      /tMult must be an integer >= 1, got 1.5/,
    );
  });
});
