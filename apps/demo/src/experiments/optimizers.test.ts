import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import {
  buildOptimizerModel,
  compareOptimizers,
  OPTIMIZER_SPECS,
  OPTIMIZERS_PROFILES,
  optimizers,
} from './optimizers.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, seed: 42, limit: 360, seeds: 2, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('optimizers experiment', () => {
  it("builds Géron's 3×100 ReLU/He model", () => {
    const model = buildOptimizerModel(1);
    model.build();
    const summary = model.summary({ print: () => {} });
    // 784·100+100 + 2·(100·100+100) + 100·10+10
    expect(summary.totalParams).toBe(78_500 + 2 * 10_100 + 1_010);
    expect(summary.layers.map((l) => l.className)).toEqual(['Flatten', 'Dense', 'Dense', 'Dense', 'Dense']);
    model.dispose();
  });

  it('lists the nine optimizers with the notebook settings and the published anchors', () => {
    expect(OPTIMIZER_SPECS.map((s) => s.optimizer)).toEqual([
      'SGD',
      'Momentum',
      'Nesterov',
      'AdaGrad',
      'RMSProp',
      'Adam',
      'AdaMax',
      'Nadam',
      'AdamW',
    ]);
    expect(OPTIMIZER_SPECS.map((s) => s.published)).toEqual([
      0.8672, 0.8672, 0.8708, 0.8424, 0.8636, 0.8696, 0.878, 0.874, 0.8702,
    ]);
    for (const s of OPTIMIZER_SPECS) expect(s.keras).toMatch(/learning_rate=0\.001/);
  });

  it("notebook profile: Géron's 10 epochs over 3 seeds; quick: one seed", () => {
    expect(resolveProfile('notebook', OPTIMIZERS_PROFILES)).toEqual({
      profile: 'notebook',
      settings: { epochs: 10, batchSize: 32, limit: 'none', seeds: 3 },
      notebookDifferences: [],
    });
    expect(resolveProfile('quick', OPTIMIZERS_PROFILES).notebookDifferences).toEqual([
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
  });

  it('runs all nine optimizers (1 seed, tiny limit) with the expected result structure', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const result = await optimizers.run(context({ limit: 120, seeds: 1, log: (l) => lines.push(l) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(result.profile).toBe('quick');
    expect(result.notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 10, used: 1 },
      { setting: 'limit', notebook: 'none', used: 120 },
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
    const cited = lines.filter((l) => l.includes('Géron'));
    expect(cited).toHaveLength(9);
    for (const l of cited) {
      expect(l).toMatch(
        /\(Géron, one seed: 0\.\d{4} after 10 epochs; this run: quick profile, differs: epochs 1 \(notebook 10\), limit 120 \(notebook none\), seeds 1 \(notebook 3\)\)$/,
      );
    }
    expect(result.comparisons.map((c) => [c.a, c.b])).toEqual(
      OPTIMIZER_SPECS.slice(1).map((s) => ['SGD', s.optimizer]),
    );
    expect(result.validationSize).toBe(10); // floor(120 / 12), the first images (Géron's split)
    expect(result.trainSize).toBe(110);
    expect(result.epochs).toBe(1);
    expect(result.results.map((r) => r.optimizer)).toEqual(OPTIMIZER_SPECS.map((s) => s.optimizer));
    for (const r of result.results) {
      expect(r.seeds).toHaveLength(1);
      const a = r.seeds[0]!.valAccuracy;
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
      expect(Math.abs(a * 10 - Math.round(a * 10))).toBeLessThan(1e-4); // multiples of 1/10
      expect(r.valAccuracy).toEqual({ mean: a, std: 0, values: [a] });
      expect(Number.isFinite(r.valLoss)).toBe(true);
      expect(r.published).toBe(OPTIMIZER_SPECS.find((s) => s.optimizer === r.optimizer)!.published);
    }
  }, 120_000);

  it('reports mean ± sample std over seeds; Adam learns where plain SGD at lr 0.001 barely moves', async () => {
    const before = tf.memory().numTensors;
    const specs = OPTIMIZER_SPECS.filter((s) => s.optimizer === 'SGD' || s.optimizer === 'Adam');
    const result = await compareOptimizers(context(), specs);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.validationSize).toBe(30);
    expect(result.trainSize).toBe(330);
    for (const r of result.results) {
      expect(r.seeds.map((s) => s.seed)).toEqual([42, 43]);
      const accs = r.seeds.map((s) => s.valAccuracy);
      expect(accs[0]).not.toBe(Number.NaN);
      expect(r.valAccuracy.mean).toBeCloseTo((accs[0]! + accs[1]!) / 2, 10);
      expect(r.valAccuracy.std).toBeCloseTo(Math.abs(accs[0]! - accs[1]!) / Math.SQRT2, 10);
    }
    const [sgdRun, adamRun] = result.results;
    expect(result.comparisons).toHaveLength(1);
    expect(result.comparisons[0]!.difference).toBeCloseTo(
      adamRun!.valAccuracy.mean - sgdRun!.valAccuracy.mean,
      12,
    );
    // 11 steps at lr 0.001 (seeds 42 and 43, cpu backend).
    expect(adamRun!.valAccuracy.mean).toBeGreaterThan(0.3);
    expect(adamRun!.valLoss).toBeLessThan(sgdRun!.valLoss);
  }, 120_000);
});
