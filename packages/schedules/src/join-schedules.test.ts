import { describe, expect, it } from 'vitest';
import { constant } from './constant.js';
import { exponentialDecay } from './exponential-decay.js';
import { joinSchedules } from './join-schedules.js';
import { linearWarmup } from './linear-warmup.js';
import { oneCycle } from './one-cycle.js';
import { expectError } from './test-utils/expect-error.js';

describe('joinSchedules (optax join_schedules)', () => {
  it('switches at each boundary (t >= b) and offsets the step of later schedules', () => {
    const seen: number[] = [];
    const probe = (t: number) => {
      seen.push(t);
      return 100 + t;
    };
    const f = joinSchedules([(t) => t, constant(7), probe], [3, 5]);
    expect([0, 2.5, 3, 4.9, 5, 8].map(f)).toEqual([0, 2.5, 7, 7, 100, 103]);
    expect(seen).toEqual([0, 3]);
  });

  it('builds warmup-then-decay as optax does', () => {
    const f = joinSchedules(
      [
        linearWarmup({ warmupSteps: 10, targetLearningRate: 0.1 }),
        exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 }),
      ],
      [10],
    );
    expect(f(5)).toBeCloseTo(0.05, 15);
    expect(f(10)).toBe(0.1);
    expect(f(20)).toBeCloseTo(0.05, 15);
  });

  it('evaluates only the current segment, so a bounded schedule is never called outside its domain', () => {
    const cycle = oneCycle({ maxLearningRate: 0.1, totalSteps: 100 });
    const f = joinSchedules([cycle.learningRate, constant(1e-5)], [100]);
    expect(f(99)).toBeCloseTo(cycle.learningRate(99), 15);
    expect(f(1000)).toBe(1e-5);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => joinSchedules([], []),
      'INVALID_ARGUMENT',
      /schedules must be a non-empty array of schedules/,
    );
    expectError(
      () => joinSchedules([constant(1), constant(2)], []),
      'INVALID_ARGUMENT',
      /boundaries must have one fewer entry than schedules \(2 schedules need 1 boundaries\), got 0 boundaries/,
    );
    expectError(
      () => joinSchedules([constant(1), constant(2), constant(3)], [4, 4]),
      'INVALID_ARGUMENT',
      /boundaries must be strictly increasing/,
    );
    expectError(
      () => joinSchedules([constant(1), 'x' as unknown as () => number], [4]),
      'INVALID_ARGUMENT',
      /schedules\[1\] must be a schedule/,
    );
  });
});
