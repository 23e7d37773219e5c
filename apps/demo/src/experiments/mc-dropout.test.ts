import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import { abstain, createMcDropoutExperiment, mcDropout } from './mc-dropout.js';
import { MC_DROPOUT_PROFILES } from './regularization-profile.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, batchSize: 32, seed: 3, limit: 300, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('abstain', () => {
  it('keeps the most certain inputs (lowest score) and reports both accuracies', () => {
    const score = [0.9, 0.1, 0.5, 0.2, 0.8];
    const correct = [false, true, true, true, false];
    // abstaining on 40%: drops scores 0.9 and 0.8 (both wrong)
    expect(abstain(score, correct, 0.4)).toEqual({ kept: 3, accuracyKept: 1, accuracyAbstained: 0 });
    expect(abstain(score, correct, 0)).toEqual({ kept: 5, accuracyKept: 0.6, accuracyAbstained: Number.NaN });
  });
});

describe('mc-dropout experiment', () => {
  it('is registered with the CLI name', () => {
    expect(mcDropout.name).toBe('mc-dropout');
  });

  it('notebook profile: the dropout recipe (10 epochs) with 100 samples; quick: 3 epochs, 30 samples', () => {
    expect(resolveProfile('notebook', MC_DROPOUT_PROFILES)).toEqual({
      profile: 'notebook',
      settings: { epochs: 10, batchSize: 32, samples: 100, limit: 'none', testLimit: 'none' },
      notebookDifferences: [],
    });
    expect(resolveProfile('quick', MC_DROPOUT_PROFILES).notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 10, used: 3 },
      { setting: 'samples', notebook: 100, used: 30 },
    ]);
  });

  it('reports per-image MC probabilities with their uncertainty and abstention accuracy, without leaks', async () => {
    const experiment = createMcDropoutExperiment({ samples: 4, testLimit: 200 });
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await experiment.run(context({ log: (l) => lines.push(l) }));
    expect(tf.memory().numTensors).toBe(before);
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 10, used: 1 },
      { setting: 'samples', notebook: 100, used: 4 },
      { setting: 'limit', notebook: 'none', used: 300 },
      { setting: 'testLimit', notebook: 'none', used: 200 },
    ]);
    const cited = lines.filter((l) => l.includes('Géron'));
    expect(cited).toHaveLength(1);
    expect(cited[0]).toMatch(
      /\(Géron, one seed, his Dense 100-100 ReLU network: 0\.8700 → 0\.8717 after 10 epochs, 100 samples; this run: quick profile, differs: epochs 1 \(notebook 10\), samples 4 \(notebook 100\), limit 300 \(notebook none\), testLimit 200 \(notebook none\)\)$/,
    );

    expect(r.experiment).toBe('mc-dropout');
    expect(r.samples).toBe(4);
    expect(r.epochs).toBe(1);
    expect(r.testImages).toBe(200);
    expect(r.published).toEqual({ plainAccuracy: 0.87, mcAccuracy: 0.8717 });
    expect(r.plainAccuracy).toBeGreaterThan(0.3);
    expect(r.mcAccuracy).toBeGreaterThan(0.3);
    expect(r.mcAccuracy).toBeLessThan(1);

    expect(r.images).toHaveLength(5);
    r.images.forEach((img, i) => {
      expect(img.index).toBe(i);
      expect(img.top).toHaveLength(3);
      expect(img.top[0]?.classIndex).toBe(img.predicted);
      expect(img.correct).toBe(img.predicted === img.label);
      expect(img.labelName).toMatch(/\w/);
      for (let k = 1; k < img.top.length; k++) {
        expect(img.top[k]?.mean).toBeLessThanOrEqual(img.top[k - 1]?.mean as number);
      }
      for (const c of img.top) {
        expect(c.mean).toBeGreaterThanOrEqual(0);
        expect(c.mean).toBeLessThanOrEqual(1);
        expect(c.deterministic).toBeGreaterThanOrEqual(0);
        expect(c.deterministic).toBeLessThanOrEqual(1);
        expect(c.std).toBeGreaterThanOrEqual(0);
        expect(c.std).toBeLessThanOrEqual(0.5); // a [0, 1] variable's std is at most 1/2
      }
      expect(img.entropy).toBeGreaterThanOrEqual(0);
      expect(img.entropy).toBeLessThanOrEqual(Math.log(10) + 1e-6);
    });
    // some class of some shown image is uncertain: the MC passes do differ
    expect(Math.max(...r.images.flatMap((img) => img.top.map((c) => c.std)))).toBeGreaterThan(0.01);

    expect(r.abstention.map((a) => a.by)).toEqual(['entropy', 'std']);
    for (const a of r.abstention) {
      expect(a.abstainFraction).toBe(0.1);
      expect(a.kept).toBe(180);
      // kept and abstained accuracies recombine into the overall MC accuracy
      expect((a.kept * a.accuracyKept + (200 - a.kept) * a.accuracyAbstained) / 200).toBeCloseTo(
        r.mcAccuracy,
        10,
      );
    }
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  }, 120_000);
});
