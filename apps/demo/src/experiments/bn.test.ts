import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import { BN_PROFILES, bn } from './bn.js';

beforeAll(() => registerGradients());

describe('bn experiment', () => {
  it('notebook profile: the reference recipe over 6 seeds; quick: one seed, nothing else differs', () => {
    expect(resolveProfile('notebook', BN_PROFILES)).toEqual({
      profile: 'notebook',
      settings: {
        epochs: 5,
        batchSize: 32,
        learningRate: 0.01,
        momentum: 0.9,
        limit: 'none',
        seeds: 6,
        gradientSteps: 20,
      },
      notebookDifferences: [],
    });
    expect(resolveProfile('quick', BN_PROFILES).notebookDifferences).toEqual([
      { setting: 'seeds', notebook: 6, used: 1 },
    ]);
  });

  it('trains the three variants over the seeds, compares each BN variant with plain (Welch), no leaks', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await bn.run(
      testContext({ profile: 'quick', epochs: 1, seed: 7, limit: 480, seeds: 2, log: (l) => lines.push(l) }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 5, used: 1 },
      { setting: 'limit', notebook: 'none', used: 480 },
      { setting: 'seeds', notebook: 6, used: 2 },
    ]);
    expect(lines[0]).toBe(
      'profile quick — differs from the notebook: epochs 1 (notebook 5), limit 480 (notebook none), seeds 2 (notebook 6)',
    );
    expect(r.seeds).toEqual([7, 8]);
    expect(r.seed).toBe(7);
    expect(r.optimizer).toBe('sgd(lr=0.01, momentum=0.9)');
    expect(r.results.map((v) => v.variant)).toEqual(['plain', 'bn-after-activation', 'bn-before-activation']);
    for (const v of r.results) {
      const [a, b] = v.testAccuracyStats.values as [number, number];
      expect(v.testAccuracyStats.values).toHaveLength(2);
      expect(v.testAccuracy).toBeCloseTo((a + b) / 2, 12);
      expect(v.testAccuracyStats.std).toBeCloseTo(Math.abs(a - b) / Math.SQRT2, 12);
      expect(a).toBeGreaterThan(0.3); // 14 steps of SGD with momentum: far above chance (0.1)
      expect(v.valAccuracy).toHaveLength(1);
      expect(v.trainLoss).toHaveLength(1);
      expect(v.trainLoss[0]).toBeGreaterThan(0);
      // the last epoch's loss per seed, whose mean is the mean curve's last point
      const [la, lb] = v.finalTrainLossStats.values as [number, number];
      expect(v.finalTrainLossStats.values).toHaveLength(2);
      expect(la).not.toBe(lb);
      expect((la + lb) / 2).toBeCloseTo(v.trainLoss[0] as number, 6);
      // 440 training images: 13 full batches of 32 for the gradient norms; 3 Dense kernels each.
      expect(v.kernelGradientNorms).toHaveLength(13);
      expect(v.kernelGradientNorms[0]).toHaveLength(3);
    }
    expect(r.comparisons.map((c) => [c.a, c.b])).toEqual([
      ['plain', 'bn-after-activation'],
      ['plain', 'bn-before-activation'],
    ]);
    const [plain, after] = r.results;
    expect(r.comparisons[0]?.difference).toBeCloseTo(after!.testAccuracy - plain!.testAccuracy, 12);
    expect(r.comparisons[0]?.statement).toMatch(
      /^bn-after-activation − plain test accuracy: [+-]0\.\d{4} \(/,
    );
    expect(lines.slice(-2)).toEqual(r.comparisons.map((c) => c.statement));
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  }, 180_000);
});
