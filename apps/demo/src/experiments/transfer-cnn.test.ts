import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentEvent } from '../experiment.js';
import { CONV_BASE_CUT, CONV_BASE_TOP, convBaseModel } from '../models.js';
import { testContext } from '../test-context.js';
import { createTransferCnnExperiment, transferCnn } from './transfer-cnn.js';

beforeAll(() => {
  registerGradients();
});

describe('transfer-cnn experiment', () => {
  it('is registered with the CLI name; the base names the cut and the top block', () => {
    expect(transferCnn.name).toBe('transfer-cnn');
    const model = convBaseModel(0, { filters: [4, 8], classes: 8 });
    expect(model.getLayer(CONV_BASE_CUT).output.shape).toEqual([null, 7, 7, 8]);
    expect(model.getLayer(CONV_BASE_TOP).className).toBe('Conv2D');
    expect(model.outputShape).toEqual([null, 8]);
    // 3·3·1·4 + 4·4 (BN) + 3·3·4·8 + 4·8 + 392·64 + 64 + 64·8 + 8
    expect(model.countParams()).toBe(36 + 16 + 288 + 32 + 392 * 64 + 64 + 512 + 8);
    model.dispose();
  });

  it('pretrains on task A, then reports scratch vs transfer on task B over seeds (quick profile), without leaks', async () => {
    const events: ExperimentEvent[] = [];
    const experiment = createTransferCnnExperiment({
      filters: [4, 8],
      epochsA: 2,
      epochsFrozen: 3,
      epochsUnfrozen: 2,
      batchSize: 16,
    });
    const before = tf.memory().numTensors;
    const r = await experiment.run(
      testContext({ profile: 'quick', limit: 3000, seeds: 2, seed: 3, onEvent: (e) => events.push(e) }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({
      experiment: 'transfer-cnn',
      seeds: [3, 4],
      classes: { b: ['Sandal', 'Shirt'] },
    });
    expect(r.classes.a).toHaveLength(8);
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'filters', notebook: '16-32', used: '4-8' },
      { setting: 'epochsA', notebook: 3, used: 2 },
      { setting: 'epochsFrozen', notebook: 5, used: 3 },
      { setting: 'epochsUnfrozen', notebook: 10, used: 2 },
      { setting: 'batchSize', notebook: 32, used: 16 },
      { setting: 'seeds', notebook: 10, used: 2 },
      { setting: 'limit', notebook: 'none', used: 3000 },
    ]);
    expect(r.significance).toMatchObject({ a: 'scratch', b: 'transfer' });
    expect(r.significance.difference).toBeCloseTo(r.testAccuracy.mean - r.baseline.mean, 12);
    expect(r.sizes.trainB).toBe(200);
    // Model A learned task A (8 classes, chance 0.125).
    expect(r.modelA.testAccuracy).toBeGreaterThan(0.5);
    for (const s of [r.testAccuracy, r.baseline]) {
      expect(s.values).toHaveLength(2);
      for (const v of s.values) expect(v).toBeGreaterThanOrEqual(0);
      expect(s.mean).toBeCloseTo((s.values[0]! + s.values[1]!) / 2, 12);
    }
    // The pretrained features separate sandals from shirts well after 4 short epochs on 64 images.
    for (const v of r.testAccuracy.values) expect(v).toBeGreaterThan(0.9);
    expect(r.transferWins).toBe(r.testAccuracy.values.filter((v, i) => v > r.baseline.values[i]!).length);
    if (r.baseline.mean === 1) expect(r.errorRateReduction).toBeNull();
    else expect(r.errorRateReduction).toBeCloseTo(1 - (1 - r.testAccuracy.mean) / (1 - r.baseline.mean), 12);
    const filters = events.find((e) => e.type === 'images');
    expect(filters).toMatchObject({ id: 'transfer-cnn-filters', count: 4, width: 3, height: 3 });
    const chart = events.filter((e) => e.type === 'chart').at(-1);
    expect(chart).toMatchObject({ id: 'transfer-cnn-seeds', x: ['3', '4'] });
  }, 300_000);

  it("cut 'gap': the last pooling layer + GlobalAveragePooling2D + a new head, runs and leaks nothing", async () => {
    const before = tf.memory().numTensors;
    const r = await createTransferCnnExperiment({
      filters: [4, 8],
      epochsA: 1,
      epochsFrozen: 1,
      epochsUnfrozen: 1,
      cut: 'gap',
    }).run(testContext({ profile: 'quick', limit: 1200, seeds: 1, seed: 8 }));
    expect(tf.memory().numTensors).toBe(before);
    expect(r.settings.cut).toBe('gap');
    expect(r.seeds).toEqual([8]);
    for (const v of [...r.testAccuracy.values, ...r.baseline.values]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  }, 300_000);
});
