import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { testContext } from '../test-context.js';
import { createPretrainingExperiment, pretraining } from './pretraining.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, batchSize: 32, seed: 5, limit: 400, seeds: 2, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('pretraining experiment', () => {
  it('is registered with the CLI name', () => {
    expect(pretraining.name).toBe('pretraining');
  });

  it('pretrains on unlabeled images and compares both classifiers over seeds, without leaks', async () => {
    const experiment = createPretrainingExperiment({ units: [32, 16], labels: 200, epochs: 2 });
    const before = tf.memory().numTensors;
    const r = await experiment.run(context());
    expect(tf.memory().numTensors).toBe(before);
    expect(r.experiment).toBe('pretraining');
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'units', notebook: '300-100', used: '32-16' },
      { setting: 'pretrainEpochs', notebook: 3, used: 1 },
      { setting: 'labels', notebook: 500, used: 200 },
      { setting: 'epochs', notebook: 30, used: 2 },
      { setting: 'seeds', notebook: 3, used: 2 },
      { setting: 'limit', notebook: 'none', used: 400 },
    ]);
    expect(r.significance).toMatchObject({ a: 'scratch', b: 'pretrained' });
    expect(r.significance.difference).toBeCloseTo(r.pretrained.mean - r.scratch.mean, 12);
    expect(r.labels).toBe(200);
    expect(r.unlabeled).toBe(400);
    expect(r.seeds).toEqual([5, 6]);
    expect(r.reconstructionLoss).toHaveLength(1);
    // Pixels in [0, 1] with a sigmoid output: the MSE is below the pixel variance (≈ 0.1) after one epoch.
    expect(r.reconstructionLoss[0]).toBeGreaterThan(0);
    expect(r.reconstructionLoss[0]).toBeLessThan(0.2);
    for (const arm of [r.scratch, r.pretrained]) {
      expect(arm.values).toHaveLength(2);
      for (const v of arm.values) {
        expect(v).toBeGreaterThan(0.1); // 10 classes: above chance after 2 epochs on 200 labels
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  }, 180_000);
});
