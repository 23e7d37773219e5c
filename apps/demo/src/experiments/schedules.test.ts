import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { testContext } from '../test-context.js';
import { SCHEDULE_SPECS, schedules } from './schedules.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ epochs: 2, seed: 42, limit: 240, seeds: 1, ...overrides });

beforeAll(() => registerGradients());

describe('schedules experiment', () => {
  it('runs the six schedules with their learning-rate curves', async () => {
    const before = tf.memory().numTensors;
    const result = await schedules.run(context());
    expect(tf.memory().numTensors).toBe(before);
    expect(result.results.map((r) => r.schedule)).toEqual([
      'constant',
      'power',
      'exponential',
      'piecewise',
      'performance',
      '1cycle',
    ]);
    expect(result.trainSize).toBe(220);
    const steps = Math.ceil(220 / 32);
    const by = Object.fromEntries(result.results.map((r) => [r.schedule, r]));
    for (const r of result.results) {
      expect(r.epochs).toBe(2);
      expect(r.lrCurve).toHaveLength(2);
      expect(r.valAccuracy.mean).toBeGreaterThanOrEqual(0);
      expect(r.valAccuracy.mean).toBeLessThanOrEqual(1);
      expect(r.valAccuracy.std).toBe(0);
    }
    expect(by.constant!.lrCurve).toEqual([0.01, 0.01]);
    expect(by.exponential!.lrCurve).toEqual([0.01, 0.01 * 0.1 ** (1 / 20)]);
    expect(by.piecewise!.lrCurve).toEqual([0.01, 0.01]);
    expect(by.power!.lrCurve[1]).toBeCloseTo(0.01 / (1 + steps / 10_000), 12);
    // Géron's 1cycle starts at max/10 = 0.01 and rises to 0.1 by the middle.
    expect(by['1cycle']!.lrCurve[0]).toBeCloseTo(0.01, 12);
    expect(by['1cycle']!.lrCurve[1]).toBeGreaterThan(0.05);
    expect(SCHEDULE_SPECS.find((s) => s.schedule === '1cycle')!.published).toEqual({
      epochs: 25,
      valAccuracy: 0.892,
    });
  }, 120_000);
});
