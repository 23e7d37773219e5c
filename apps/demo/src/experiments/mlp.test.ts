import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveProfile } from '../profile.js';
import { testContext } from '../test-context.js';
import { MLP_PROFILES, mlp } from './mlp.js';

beforeAll(() => registerGradients());

describe('mlp experiment', () => {
  it("notebook profile: seed cell 11's 30 epochs of SGD 0.01 over 3 seeds; quick: 5 epochs, one seed", () => {
    expect(resolveProfile('notebook', MLP_PROFILES)).toEqual({
      profile: 'notebook',
      settings: { epochs: 30, batchSize: 32, learningRate: 0.01, limit: 'none', seeds: 3 },
      notebookDifferences: [],
    });
    expect(resolveProfile('quick', MLP_PROFILES).notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 30, used: 5 },
      { setting: 'seeds', notebook: 3, used: 1 },
    ]);
  });

  it('reports test accuracy over seeds next to the published figure and the differing settings, no leaks', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await mlp.run(
      testContext({ profile: 'quick', epochs: 2, seed: 3, limit: 360, seeds: 2, log: (l) => lines.push(l) }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 30, used: 2 },
      { setting: 'limit', notebook: 'none', used: 360 },
      { setting: 'seeds', notebook: 3, used: 2 },
    ]);
    expect(r.seeds).toEqual([3, 4]);
    expect(r.epochs).toBe(2);
    const [a, b] = r.testAccuracyStats.values as [number, number];
    expect(r.testAccuracy).toBeCloseTo((a + b) / 2, 12);
    expect(a).toBeGreaterThan(0.3);
    const [la, lb] = r.testLossStats.values as [number, number];
    expect(r.testLossStats.values).toHaveLength(2);
    expect(la).toBeGreaterThan(0);
    expect(r.testLoss).toBeCloseTo((la + lb) / 2, 12);
    expect(r.history.val_accuracy).toHaveLength(2);
    expect(r.history.lr).toEqual([0.01, 0.01]);
    expect(r.published).toEqual({ testAccuracy: 0.8864, epochs: 30 });
    expect(lines.at(-1)).toBe(
      `test accuracy ${r.testAccuracy.toFixed(4)} ± ${r.testAccuracyStats.std.toFixed(4)} over seeds 3, 4 ` +
        '(Géron, one seed: 0.8864 after 30 epochs; this run: quick profile, differs: epochs 2 (notebook 30), limit 360 (notebook none), seeds 2 (notebook 3))',
    );
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  }, 120_000);
});
