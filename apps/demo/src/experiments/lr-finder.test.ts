import { registerGradients, tf } from '@steadygrad/core';
import { loadFashionMnist } from '@steadygrad/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { lrFinder } from './lr-finder.js';

beforeAll(() => registerGradients());

describe('lr-finder experiment', () => {
  it('returns the sweep and a suggestion on the seed cell 5 model', async () => {
    const ctx: ExperimentContext = {
      backend: tf.getBackend(),
      requestedBackend: 'cpu',
      profile: 'quick',
      epochs: undefined,
      batchSize: undefined,
      seed: 42,
      limit: 600,
      seeds: undefined,
      log: () => {},
      verbose: 0,
      loadFashionMnist: () => loadFashionMnist(),
    };
    const before = tf.memory().numTensors;
    const r = await lrFinder.run(ctx);
    expect(tf.memory().numTensors).toBe(before);
    expect(r.steps).toBe(20); // max(20, ceil(550 / 32))
    expect(r.profile).toBe('quick');
    expect(r.settings).toEqual({ maxSteps: 300, batchSize: 32, minLr: 1e-5, maxLr: 10, limit: 600 });
    expect(r.notebookDifferences).toEqual([{ setting: 'limit', notebook: 'none', used: 600 }]);
    expect(r.lrs).toHaveLength(20);
    expect(r.losses).toHaveLength(20);
    expect(r.lrs[0]).toBeCloseTo(1e-5, 15);
    expect(r.lrs[19]).toBeCloseTo(10, 10);
    expect(r.losses[0]).toBeGreaterThan(1); // ~ln 10 at the start
    expect(r.suggestedMaxLr).toBeCloseTo(r.minLossLr / 10, 15);
    expect(r.lrs).toContain(r.minLossLr);
  }, 60_000);
});
