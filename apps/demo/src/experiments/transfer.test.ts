import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resolveProfile } from '../profile.js';
import { seedStats } from '../stats.js';
import { testContext } from '../test-context.js';
import { createTransferExperiment, TRANSFER_PROFILES, transfer } from './transfer.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, batchSize: 32, seed: 3, limit: 600, seeds: 2, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('seedStats', () => {
  it('gives the mean and the sample standard deviation', () => {
    const s = seedStats([0.9, 1]);
    expect(s.mean).toBeCloseTo(0.95, 15);
    expect(s.std).toBeCloseTo(Math.sqrt(0.005), 15);
    expect(s.values).toEqual([0.9, 1]);
    expect(seedStats([0.5])).toEqual({ mean: 0.5, std: 0, values: [0.5] });
  });
});

describe('transfer experiment', () => {
  it('is registered with the CLI name', () => {
    expect(transfer.name).toBe('transfer');
  });

  it("notebook profile: Géron's SELU network and rates over 10 seeds; quick: seed cell 11's ReLU MLP", () => {
    const notebook = resolveProfile('notebook', TRANSFER_PROFILES);
    expect(notebook.notebookDifferences).toEqual([]);
    expect(notebook.settings).toMatchObject({
      hidden: [300, 100, 50, 50, 50],
      activation: 'selu',
      epochsA: 20,
      learningRateA: 1e-3,
      epochsB: 20,
      learningRateB: 1e-3,
      frozenEpochs: 4,
      unfrozenEpochs: 16,
      lowerLearningRate: 1e-3,
      seeds: 10,
      sizeB: 200,
    });
    expect(resolveProfile('quick', TRANSFER_PROFILES).notebookDifferences).toEqual([
      { setting: 'hidden', notebook: '300-100-50-50-50', used: '300-100' },
      { setting: 'activation', notebook: 'selu', used: 'relu' },
      { setting: 'epochsA', notebook: 20, used: 5 },
      { setting: 'learningRateA', notebook: 0.001, used: 0.01 },
      { setting: 'learningRateB', notebook: 0.001, used: 0.01 },
      { setting: 'lowerLearningRate', notebook: 0.001, used: 0.0001 },
    ]);
  });

  it('reports scratch vs B-on-A test accuracy over seeds on the real data, without leaks', async () => {
    const experiment = createTransferExperiment({
      // A small model A, trained enough to have useful features (with 1 epoch, B-on-A stays near chance).
      hidden: [32, 16],
      epochsA: 5,
      learningRateA: 0.05,
      epochsB: 10,
      learningRateB: 0.05,
      frozenEpochs: 8,
      unfrozenEpochs: 2,
    });
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await experiment.run(context({ log: (l) => lines.push(l) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(r.experiment).toBe('transfer');
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'hidden', notebook: '300-100-50-50-50', used: '32-16' },
      { setting: 'activation', notebook: 'selu', used: 'relu' },
      { setting: 'epochsA', notebook: 20, used: 5 },
      { setting: 'learningRateA', notebook: 0.001, used: 0.05 },
      { setting: 'epochsB', notebook: 20, used: 10 },
      { setting: 'learningRateB', notebook: 0.001, used: 0.05 },
      { setting: 'frozenEpochs', notebook: 4, used: 8 },
      { setting: 'unfrozenEpochs', notebook: 16, used: 2 },
      { setting: 'lowerLearningRate', notebook: 0.001, used: 0.0001 },
      { setting: 'seeds', notebook: 10, used: 2 },
      { setting: 'limit', notebook: 'none', used: 600 },
    ]);
    // The published figures are never printed without the settings that differ from Géron's.
    const cited = lines.filter((l) => l.includes('97.05%'));
    expect(cited).toHaveLength(1);
    expect(cited[0]).toContain(
      'this run: quick profile, differs: hidden 32-16 (notebook 300-100-50-50-50), activation relu (notebook selu),',
    );
    expect(r.significance).toMatchObject({ a: 'scratch', b: 'B-on-A', figure: 'task-B test accuracy' });
    expect(r.significance.difference).toBeCloseTo(r.taskB.transfer.mean - r.taskB.scratch.mean, 12);
    expect(lines.at(-1)).toBe(r.significance.statement);
    expect(r.seeds).toEqual([3, 4]);
    expect(r.classes.b).toEqual(['Sandal', 'Shirt']);
    expect(r.classes.bIds).toEqual([5, 6]);
    expect(r.classes.a).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    // 600 images minus the 50 validation ones: about a fifth are sandals or shirts, fewer than 200.
    expect(r.sizes.trainB).toBeGreaterThan(50);
    expect(r.sizes.trainB).toBeLessThan(200);
    expect(r.sizes.trainA + r.sizes.trainB).toBe(550);
    expect(r.sizes.testB).toBeGreaterThan(150);
    for (const arm of [r.taskB.scratch, r.taskB.transfer]) {
      expect(arm.values).toHaveLength(2);
      for (const v of arm.values) {
        expect(v).toBeGreaterThan(0.8); // sandals vs shirts: far above chance (and the majority class) after 10 epochs
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(r.errorRateReduction).toBeCloseTo(
      1 - (1 - r.taskB.transfer.mean) / (1 - r.taskB.scratch.mean),
      12,
    );
    expect(r.modelA.testAccuracy).toBeGreaterThan(0.3);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  }, 180_000);
});
