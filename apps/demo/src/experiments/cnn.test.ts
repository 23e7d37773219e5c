import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, tf } from '@steadygrad/core';
import { imageSource, labelSource, loadFashionMnist, sliceSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { type Callback, compile } from '@steadygrad/train';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentEvent } from '../experiment.js';
import { smallCnnModel } from '../models.js';
import { testContext } from '../test-context.js';
import { cnn, createCnnExperiment } from './cnn.js';

beforeAll(() => {
  registerGradients();
});

describe('cnn experiment', () => {
  it('is registered with the CLI name; the default model has 106,010 parameters', () => {
    expect(cnn.name).toBe('cnn');
    const model = smallCnnModel(0);
    model.build();
    expect(model.outputShape).toEqual([null, 10]);
    expect(model.countParams()).toBe(106_010);
    model.dispose();
  });

  it('reports CNN and BN-MLP test accuracy over seeds on the real data (quick profile), without leaks', async () => {
    const events: ExperimentEvent[] = [];
    const experiment = createCnnExperiment({ filters: [4, 8] });
    const before = tf.memory().numTensors;
    const r = await experiment.run(
      testContext({
        profile: 'quick',
        epochs: 1,
        limit: 640,
        seeds: 2,
        seed: 5,
        onEvent: (e) => events.push(e),
      }),
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(r).toMatchObject({ experiment: 'cnn', epochs: 1, batchSize: 32, seeds: [5, 6], filters: [4, 8] });
    for (const s of [r.testAccuracy, r.baseline.testAccuracy]) {
      expect(s.values).toHaveLength(2);
      // Above chance (0.1) after one epoch on 590 images; a broken model stays at chance.
      for (const v of s.values) expect(v).toBeGreaterThan(0.3);
      expect(s.mean).toBeCloseTo((s.values[0]! + s.values[1]!) / 2, 12);
    }
    expect(r.aboveBaseline).toBe(r.testAccuracy.mean > r.baseline.testAccuracy.mean);
    expect(r.profile).toBe('quick');
    expect(r.notebookDifferences).toEqual([
      { setting: 'filters', notebook: '16-32', used: '4-8' },
      { setting: 'epochs', notebook: 5, used: 1 },
      { setting: 'limit', notebook: 'none', used: 640 },
      { setting: 'seeds', notebook: 3, used: 2 },
    ]);
    expect(r.significance).toMatchObject({ a: 'BN-MLP', b: 'CNN' });
    expect(r.significance.difference).toBeCloseTo(r.testAccuracy.mean - r.baseline.testAccuracy.mean, 12);
    expect(r.parameters).toBe(smallCnnParameters([4, 8]));
    const images = events.filter((e) => e.type === 'images');
    expect(images.map((e) => [e.id, e.count, e.width, e.height, e.values.length])).toEqual([
      ['cnn-filters', 4, 3, 3, 36],
      ['cnn-maps', 4, 28, 28, 4 * 784],
    ]);
    const maps = images[1]!.values;
    expect(maps.every((v) => v >= 0)).toBe(true); // after ReLU
    expect(maps.some((v) => v > 0)).toBe(true);
  }, 300_000);

  it('an interrupted and resumed conv model ends bit-identical to the uninterrupted run', async () => {
    const data = await loadFashionMnist();
    const train = sliceSplit(data.train, 0, 256);
    const dir = await mkdtemp(join(tmpdir(), 'steadygrad-cnn-resume-'));
    const before = tf.memory().numTensors;
    class Interrupt extends Error {}
    const run = async (extra: object, interruptAt?: number) => {
      const model = smallCnnModel(7, [4, 8]);
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
        metrics: ['accuracy'],
      });
      let epoch = 0;
      const interrupt: Callback = {
        onEpochBegin: (e) => {
          epoch = e;
        },
        onBatchEnd: (b) => {
          if (interruptAt !== undefined && epoch * 8 + b === interruptAt) throw new Interrupt('interrupted');
        },
      };
      try {
        await trainer.fit(imageSource(train), labelSource(train), {
          epochs: 2,
          batchSize: 32,
          seed: 7,
          callbacks: [interrupt as Callback<never>],
          ...extra,
        });
        return model.parameters.map((p) => Float32Array.from(p.variable.dataSync()));
      } catch (e) {
        if (e instanceof Interrupt) return undefined;
        throw e;
      } finally {
        trainer.dispose();
        model.dispose();
      }
    };
    try {
      const reference = await run({});
      expect(await run({ checkpoint: { dir, every: 5 } }, 11)).toBeUndefined();
      const resumed = await run({ checkpoint: { dir, every: 5 }, resumeFrom: dir });
      expect(resumed).toHaveLength(reference!.length);
      // Conv kernels, BN statistics included: every value the same bit pattern.
      for (const [i, w] of reference!.entries()) expect(Array.from(resumed![i]!)).toEqual(Array.from(w));
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});

function smallCnnParameters(filters: readonly number[]): number {
  let channels = 1;
  let n = 0;
  for (const f of filters) {
    n += 9 * channels * f + 4 * f;
    channels = f;
  }
  const flat = (28 / 2 ** filters.length) ** 2 * channels;
  return n + flat * 64 + 64 + 64 * 10 + 10;
}
