import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import { SCHEDULE_SPECS, SCHEDULES_PROFILES, schedules } from './schedules.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 2, seed: 42, limit: 240, seeds: 1, ...overrides });

beforeAll(() => registerGradients());

describe('schedules experiment', () => {
  it("notebook profile: each schedule for the epochs of Géron's figure, 3 seeds; quick: 10 epochs, 1 seed", () => {
    expect(resolveProfile('notebook', SCHEDULES_PROFILES).settings).toEqual({
      epochsConstant: 25,
      epochsPower: 10,
      epochsExponential: 25,
      epochsPiecewise: 10,
      epochsPerformance: 25,
      epochs1cycle: 25,
      batchSize: 32,
      limit: 'none',
      seeds: 3,
    });
    for (const spec of SCHEDULE_SPECS) {
      if (spec.published === null) continue;
      const key = `epochs${spec.schedule[0]!.toUpperCase()}${spec.schedule.slice(1)}`;
      expect(resolveProfile('notebook', SCHEDULES_PROFILES).settings).toHaveProperty(
        key,
        spec.published.epochs,
      );
    }
    expect(resolveProfile('quick', SCHEDULES_PROFILES).notebookDifferences).toEqual([
      { setting: 'epochsConstant', notebook: 25, used: 10 },
      { setting: 'epochsExponential', notebook: 25, used: 10 },
      { setting: 'epochsPerformance', notebook: 25, used: 10 },
      { setting: 'epochs1cycle', notebook: 25, used: 10 },
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
  });

  it('runs the six schedules with their learning-rate curves', async () => {
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const result = await schedules.run(context({ log: (l) => lines.push(l) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.profile).toBe('quick');
    expect(result.notebookDifferences).toEqual([
      { setting: 'epochsConstant', notebook: 25, used: 2 },
      { setting: 'epochsPower', notebook: 10, used: 2 },
      { setting: 'epochsExponential', notebook: 25, used: 2 },
      { setting: 'epochsPiecewise', notebook: 10, used: 2 },
      { setting: 'epochsPerformance', notebook: 25, used: 2 },
      { setting: 'epochs1cycle', notebook: 25, used: 2 },
      { setting: 'limit', notebook: 'none', used: 240 },
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
    expect(result.seeds).toEqual([42]);
    // Every published figure is printed with this run's epochs and the settings that differ.
    const cited = lines.filter((l) => l.includes('Géron'));
    expect(cited).toHaveLength(5);
    for (const l of cited)
      expect(l).toMatch(/this run: 2 epochs, quick profile, differs: epochsConstant 2 \(notebook 25\)/);
    // All schedules ran 2 epochs, so each is compared with constant; one seed: no test.
    expect(result.comparisons.map((c) => c.b)).toEqual([
      'power',
      'exponential',
      'piecewise',
      'performance',
      '1cycle',
    ]);
    for (const c of result.comparisons) {
      expect(c.a).toBe('constant');
      expect(c.t).toBeNull();
    }
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
