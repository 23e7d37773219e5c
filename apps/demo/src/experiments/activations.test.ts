import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { testContext } from '../test-context.js';
import { ACTIVATION_SPECS, activations, pairedInitializer, runActivations } from './activations.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ epochs: 1, batchSize: 32, seed: 5, limit: 256, seeds: 2, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('activations experiment', () => {
  it('is registered with the CLI name', () => {
    expect(activations.name).toBe('activations');
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
      depth: 3,
      units: 16,
      epochs: 1,
      trainSize: 256,
      testSize: 1000,
    });
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
    }
    // Different seeds give different networks.
    expect(r.results.some((x) => x.accuracies[0] !== x.accuracies[1])).toBe(true);
    // 256 standardized images and 8 steps of SGD already beat chance (0.1) for the non-saturating activations.
    expect(r.results.find((x) => x.activation === 'selu')!.mean).toBeGreaterThan(0.2);
    expect(lines.at(-2)).toMatch(/^ranking by mean test accuracy: (\w+ > ){6}\w+$/);
  }, 60_000);
});
