import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import {
  ACTIVATION_SPECS,
  ACTIVATIONS_PROFILES,
  activations,
  pairedInitializer,
  runActivations,
} from './activations.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, batchSize: 32, seed: 5, limit: 256, seeds: 2, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('activations experiment', () => {
  it('is registered with the CLI name', () => {
    expect(activations.name).toBe('activations');
  });

  it("notebook profile: Géron's 100 layers, 5 epochs on 55,000 images, 2 seeds; quick: 20 layers, 3 epochs, 5,000", () => {
    expect(resolveProfile('notebook', ACTIVATIONS_PROFILES)).toEqual({
      profile: 'notebook',
      settings: {
        depth: 100,
        units: 100,
        epochs: 5,
        batchSize: 32,
        learningRate: 1e-3,
        momentum: 0.9,
        validationSize: 5000,
        trainSize: 55_000,
        seeds: 2,
      },
      notebookDifferences: [],
    });
    expect(resolveProfile('quick', ACTIVATIONS_PROFILES).notebookDifferences).toEqual([
      { setting: 'depth', notebook: 100, used: 20 },
      { setting: 'epochs', notebook: 5, used: 3 },
      { setting: 'validationSize', notebook: 5000, used: 0 },
      { setting: 'trainSize', notebook: 55_000, used: 5000 },
      { setting: 'seeds', notebook: 2, used: 3 },
    ]);
  });

  it('pairs each activation with the initializer its pairsWith names', () => {
    expect(ACTIVATION_SPECS.map((s) => [s.activation, pairedInitializer(s)])).toEqual([
      ['sigmoid', 'glorot_uniform'],
      ['tanh', 'glorot_uniform'],
      ['relu', 'he_normal'],
      ['leaky_relu', 'he_normal'],
      ['prelu', 'he_normal'],
      ['elu', 'he_normal'],
      ['selu', 'lecun_normal'],
    ]);
  });

  it('trains every activation over the seeds and reports test accuracy mean ± std, without leaks', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await runActivations(context({ log: (l) => lines.push(l) }), { depth: 3, units: 16 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({
      experiment: 'activations',
      profile: 'quick',
      depth: 3,
      units: 16,
      epochs: 1,
      trainSize: 256,
      testSize: 1000,
      validationSize: 0,
    });
    expect(r.notebookDifferences).toEqual([
      { setting: 'depth', notebook: 100, used: 3 },
      { setting: 'units', notebook: 100, used: 16 },
      { setting: 'epochs', notebook: 5, used: 1 },
      { setting: 'validationSize', notebook: 5000, used: 0 },
      { setting: 'trainSize', notebook: 55_000, used: 256 },
    ]);
    expect(r.results.map((x) => [x.activation, x.published])).toEqual([
      ['sigmoid', null],
      ['tanh', null],
      ['relu', 0.7],
      ['leaky_relu', null],
      ['prelu', null],
      ['elu', null],
      ['selu', 0.8046],
    ]);
    // Géron's figures are printed with the settings this run changed.
    const cited = lines.filter((l) => l.includes('Géron'));
    expect(cited).toHaveLength(2);
    for (const l of cited)
      expect(l).toContain('this run: quick profile, differs: depth 3 (notebook 100), units 16');
    expect(r.results.map((x) => x.activation)).toEqual([
      'sigmoid',
      'tanh',
      'relu',
      'leaky_relu',
      'prelu',
      'elu',
      'selu',
    ]);
    for (const x of r.results) {
      expect(x.seeds).toEqual([5, 6]);
      expect(x.accuracies).toHaveLength(2);
      for (const a of x.accuracies) {
        expect(a).toBeGreaterThanOrEqual(0);
        expect(a).toBeLessThanOrEqual(1);
        // accuracies are counts over the 1,000 test images
        expect(Math.abs(a * 1000 - Math.round(a * 1000))).toBeLessThan(1e-3);
      }
      const [a, b] = x.accuracies as [number, number];
      expect(x.mean).toBeCloseTo((a + b) / 2, 10);
      expect(x.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 10); // sample std of two values
      expect(x.trainLoss.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
      expect(x.diverged).toBe(0);
      expect(x.valAccuracies).toEqual([]); // no validation set in the quick profile
    }
    // Different seeds give different networks.
    expect(r.results.some((x) => x.accuracies[0] !== x.accuracies[1])).toBe(true);
    // 256 standardized images and 8 steps of SGD already beat chance (0.1) for the non-saturating activations.
    expect(r.results.find((x) => x.activation === 'selu')!.mean).toBeGreaterThan(0.2);
    expect(lines.at(-3)).toMatch(/^ranking by mean test accuracy: (\w+ > ){6}\w+$/);
    const ranked = [...r.results].sort((a, b) => b.mean - a.mean);
    expect([r.bestVsWorst.b, r.bestVsWorst.a]).toEqual([ranked[0]!.activation, ranked[6]!.activation]);
    expect(r.bestVsWorst.difference).toBeCloseTo(ranked[0]!.mean - ranked[6]!.mean, 12);
    expect(lines.at(-1)).toBe(r.bestVsWorst.statement);
  }, 60_000);

  it('with a validation set (the notebook layout) reports the final validation accuracy per seed', async () => {
    const before = tf.memory().numTensors;
    const r = await runActivations(context({ profile: 'notebook', limit: undefined, seeds: 1 }), {
      depth: 2,
      units: 8,
      validationSize: 100,
      trainSize: 300,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.profile).toBe('notebook');
    expect(r.notebookDifferences).toEqual([
      { setting: 'depth', notebook: 100, used: 2 },
      { setting: 'units', notebook: 100, used: 8 },
      { setting: 'epochs', notebook: 5, used: 1 },
      { setting: 'validationSize', notebook: 5000, used: 100 },
      { setting: 'trainSize', notebook: 55_000, used: 300 },
      { setting: 'seeds', notebook: 2, used: 1 },
    ]);
    expect([r.trainSize, r.validationSize, r.testSize]).toEqual([300, 100, 10_000]);
    for (const x of r.results) {
      expect(x.valAccuracies).toHaveLength(1);
      const v = x.valAccuracies[0]!;
      expect(Math.abs(v * 100 - Math.round(v * 100))).toBeLessThan(1e-4); // a count over 100 images
    }
    // One seed a side: no significance test, and the statement says so.
    expect(r.bestVsWorst.t).toBeNull();
    expect(r.bestVsWorst.statement).toMatch(/fewer than 2 seeds on a side: no significance test/);
  }, 60_000);
});
