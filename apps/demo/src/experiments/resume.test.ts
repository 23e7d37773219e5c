import { registerGradients, tf } from '@steadygrad/core';
import { loadFashionMnist } from '@steadygrad/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { resume } from './resume.js';

beforeAll(() => registerGradients());

describe('resume experiment', () => {
  it('an interrupted and resumed run ends bit-identical to the uninterrupted one', async () => {
    const ctx: ExperimentContext = {
      backend: tf.getBackend(),
      requestedBackend: 'cpu',
      profile: 'quick',
      epochs: 2,
      batchSize: undefined,
      seed: 42,
      limit: 480,
      seeds: undefined,
      log: () => {},
      verbose: 0,
      loadFashionMnist: () => loadFashionMnist(),
    };
    const before = tf.memory().numTensors;
    const r = await resume.run(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.totalSteps).toBe(2 * Math.ceil(440 / 32));
    expect(r.profile).toBe('quick');
    expect(r.settings).toEqual({ epochs: 2, batchSize: 32, limit: 480, checkpointEvery: 37 });
    expect(r.notebookDifferences).toEqual([{ setting: 'limit', notebook: 6000, used: 480 }]);
    expect(r.interruptedAfterStep).toBeGreaterThan(0);
    expect(r.interruptedAfterStep).toBeLessThan(r.totalSteps - 1);
    expect(r.resumedFromStep).toBeLessThanOrEqual(r.interruptedAfterStep + 1);
    expect(r).toMatchObject({ identical: true, maxAbsDiff: 0 });
  }, 60_000);
});
