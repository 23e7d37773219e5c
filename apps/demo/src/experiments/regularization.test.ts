import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import {
  createRegularizationExperiment,
  regularization,
  summarize,
  VARIANT_RECIPES,
} from './regularization.js';
import { REGULARIZATION_PROFILES } from './regularization-profile.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, batchSize: 32, seed: 7, limit: 300, seeds: 1, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('regularization experiment', () => {
  it('is registered with the CLI name', () => {
    expect(regularization.name).toBe('regularization');
  });

  it("notebook profile: each variant's recipe epochs, 100 MC samples, 3 seeds; quick: one seed", () => {
    const notebook = resolveProfile('notebook', REGULARIZATION_PROFILES);
    expect(notebook.notebookDifferences).toEqual([]);
    expect(VARIANT_RECIPES.map((r) => r.epochs)).toEqual([
      notebook.settings.epochsDropout,
      notebook.settings.epochsL2,
      notebook.settings.epochsMaxNorm,
    ]);
    expect(notebook.settings).toMatchObject({ mcSamples: 100, seeds: 3, batchSize: 32, limit: 'none' });
    expect(resolveProfile('quick', REGULARIZATION_PROFILES).notebookDifferences).toEqual([
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
  });

  it('summarize: mean and sample std (n − 1), 0 for one value', () => {
    const s = summarize([0.8, 0.9]);
    expect(s.mean).toBeCloseTo(0.85, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(0.005), 12);
    expect(s.values).toEqual([0.8, 0.9]);
    expect(summarize([0.7])).toEqual({ mean: 0.7, std: 0, values: [0.7] });
  });

  it('trains the three variants on real Fashion-MNIST, MC dropout included, without leaking tensors', async () => {
    const experiment = createRegularizationExperiment({ mcSamples: 4, testLimit: 200 });
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const r = await experiment.run(context({ log: (l) => lines.push(l) }));
    expect(tf.memory().numTensors).toBe(before);

    expect(r.experiment).toBe('regularization');
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'epochsDropout', notebook: 10, used: 1 },
      { setting: 'epochsL2', notebook: 2, used: 1 },
      { setting: 'epochsMaxNorm', notebook: 10, used: 1 },
      { setting: 'mcSamples', notebook: 100, used: 4 },
      { setting: 'limit', notebook: 'none', used: 300 },
      { setting: 'testLimit', notebook: 'none', used: 200 },
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
    // Every published figure is printed with the settings that differ.
    const cited = lines.filter((l) => l.includes('Géron'));
    expect(cited).toHaveLength(4);
    for (const l of cited)
      expect(l).toContain('this run: quick profile, differs: epochsDropout 1 (notebook 10),');
    // One seed: the MC-vs-plain comparison has no test, and says so.
    expect(r.mcDropout.significance).toMatchObject({ a: 'plain', b: 'MC dropout', t: null });
    expect(lines.at(-1)).toBe(r.mcDropout.significance.statement);
    expect(r.seeds).toEqual([7]);
    expect(r.trainImages).toBe(300);
    expect(r.testImages).toBe(200);
    expect(r.results.map((v) => v.variant)).toEqual(['dropout', 'l2', 'max-norm']);
    for (const v of r.results) {
      expect(v.epochs).toBe(1);
      expect(v.testAccuracy.values).toHaveLength(1);
      expect(v.testAccuracy.std).toBe(0);
      // 1 epoch on 275 images: far above chance (0.1), below perfect
      expect(v.testAccuracy.mean).toBeGreaterThan(0.3);
      expect(v.testAccuracy.mean).toBeLessThan(1);
      expect(v.finalValAccuracy.mean).toBeGreaterThan(0.2);
      expect(Number.isFinite(v.testLoss.mean)).toBe(true);
      expect(v.secondsPerEpoch).toBeGreaterThan(0);
    }
    expect(r.results[0]?.optimizer).toBe('sgd(lr 0.01, momentum 0.9)');
    expect(r.results[1]?.optimizer).toBe('sgd(lr 0.02)');
    expect(r.results[0]?.published).toEqual({ testAccuracy: 0.87 });
    expect(r.results[2]?.published).toEqual({ finalValAccuracy: 0.8578 });

    expect(r.mcDropout.samples).toBe(4);
    expect(r.mcDropout.published).toBe(0.8717);
    expect(r.mcDropout.plainAccuracy.values).toEqual(r.results[0]?.testAccuracy.values);
    expect(r.mcDropout.accuracy.mean).toBeGreaterThan(0.3);
    expect(r.mcDropout.accuracy.mean).toBeLessThan(1);
    // dropout is really active in the MC passes: the predicted class's probability varies
    expect(r.mcDropout.meanStd).toBeGreaterThan(0.005);
    expect(r.mcDropout.meanStd).toBeLessThan(0.5);
    expect(r.mcDropout.meanEntropy).toBeGreaterThan(0);
    expect(r.mcDropout.meanEntropy).toBeLessThan(Math.log(10));
    expect(lines.some((l) => l.startsWith('dropout seed 7: test accuracy'))).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  }, 120_000);
});
