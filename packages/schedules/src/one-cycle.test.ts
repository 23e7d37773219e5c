import { describe, expect, it } from 'vitest';
import { oneCycle } from './one-cycle.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

describe('oneCycle (PyTorch OneCycleLR)', () => {
  it.each(torchFixtures.oneCycle.map((c) => [JSON.stringify(c.options), c]))(
    '%s: learning rate and momentum match torch at steps 0..totalSteps',
    (_name, c) => {
      const o = c.options;
      const cycle = oneCycle({
        maxLearningRate: o.max_lr,
        totalSteps: o.total_steps,
        ...(o.pct_start === undefined ? {} : { pctStart: o.pct_start }),
        ...(o.div_factor === undefined ? {} : { divFactor: o.div_factor }),
        ...(o.final_div_factor === undefined ? {} : { finalDivFactor: o.final_div_factor }),
        ...(o.anneal_strategy === undefined ? {} : { annealStrategy: o.anneal_strategy }),
        ...(o.three_phase === undefined ? {} : { threePhase: o.three_phase }),
        ...(o.base_momentum === undefined ? {} : { baseMomentum: o.base_momentum }),
        ...(o.max_momentum === undefined ? {} : { maxMomentum: o.max_momentum }),
      });
      expect(c.lr.length).toBe(o.total_steps + 1);
      expectAllClose(valuesOf(cycle.learningRate, c.lr.length), c.lr, { label: 'lr' });
      expectAllClose(valuesOf(cycle.momentum, c.momentum.length), c.momentum, { label: 'momentum' });
    },
  );

  it('starts at max/div, peaks at max with base momentum, ends at max/div/finalDiv (defaults)', () => {
    const c = oneCycle({ maxLearningRate: 0.1, totalSteps: 101 });
    expect(c.totalSteps).toBe(101);
    expect(c.learningRate(0)).toBeCloseTo(0.004, 15);
    expect(c.momentum(0)).toBe(0.95);
    // pctStart 0.3 · 101 − 1 = 29.3: the peak lies between steps 29 and 30.
    expect(c.learningRate(29.3)).toBeCloseTo(0.1, 15);
    expect(c.momentum(29.3)).toBeCloseTo(0.85, 15);
    expect(c.learningRate(100)).toBeCloseTo(0.004 / 1e4, 15);
    expect(c.momentum(100)).toBeCloseTo(0.95, 15);
  });

  it('throws OUT_OF_RANGE beyond totalSteps, as torch does', () => {
    const c = oneCycle({ maxLearningRate: 0.1, totalSteps: 50 });
    expect(Number.isFinite(c.learningRate(50))).toBe(true);
    expectError(
      () => c.learningRate(51),
      'OUT_OF_RANGE',
      /step must be <= totalSteps = 50 for this one-cycle schedule, got 51/,
    );
    expectError(() => c.momentum(50.5), 'OUT_OF_RANGE', /totalSteps = 50/);
  });

  it('rejects invalid arguments', () => {
    const ok = { maxLearningRate: 0.1, totalSteps: 100 };
    expectError(
      () => oneCycle({ ...ok, totalSteps: 0 }),
      'INVALID_ARGUMENT',
      /totalSteps must be an integer >= 1, got 0/,
    );
    expectError(
      () => oneCycle({ ...ok, totalSteps: 10.5 }),
      'INVALID_ARGUMENT',
      /totalSteps must be an integer/,
    );
    expectError(
      () => oneCycle({ ...ok, pctStart: 0 }),
      'INVALID_ARGUMENT',
      /pctStart must be a finite number > 0 < 1, got 0/,
    );
    expectError(
      () => oneCycle({ ...ok, pctStart: 1 }),
      'INVALID_ARGUMENT',
      /pctStart must be a finite number > 0 < 1, got 1/,
    );
    expectError(
      () => oneCycle({ ...ok, divFactor: 0 }),
      'INVALID_ARGUMENT',
      /divFactor must be a finite number > 0, got 0/,
    );
    expectError(
      () => oneCycle({ ...ok, finalDivFactor: -1 }),
      'INVALID_ARGUMENT',
      /finalDivFactor must be a finite number > 0/,
    );
    expectError(
      () => oneCycle({ ...ok, maxLearningRate: -0.1 }),
      'INVALID_ARGUMENT',
      /maxLearningRate must be a finite number >= 0/,
    );
    expectError(
      () => oneCycle({ ...ok, annealStrategy: 'exp' as 'cos' }),
      'INVALID_ARGUMENT',
      /annealStrategy must be one of 'cos', 'linear', got "exp"/,
    );
    expectError(() => oneCycle({ ...ok, baseMomentum: -0.5 }), 'INVALID_ARGUMENT', /baseMomentum must be/);
    expectError(
      () => oneCycle({ ...ok, totalSteps: 10, pctStart: 0.1 }),
      'INVALID_ARGUMENT',
      /phase 1 of the two-phase cycle empty .*need pctStart · totalSteps > 1, got pctStart = 0.1, totalSteps = 10/,
    );
    expectError(
      () => oneCycle({ ...ok, totalSteps: 10, pctStart: 0.6, threePhase: true }),
      'INVALID_ARGUMENT',
      /phase 3 of the three-phase cycle empty/,
    );
  });
});
