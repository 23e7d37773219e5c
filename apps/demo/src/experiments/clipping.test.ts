import { registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { testContext } from '../test-context.js';
import { clipping } from './clipping.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', epochs: 1, seed: 42, limit: 640, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('clipping experiment', () => {
  it('diverges without clipping and trains to a finite loss with clipNorm, clipValue and globalClipNorm', async () => {
    const before = tf.memory().numTensors;
    const result = await clipping.run(context());
    expect(result.profile).toBe('quick');
    expect(result.settings).toEqual({ epochs: 1, batchSize: 32, limit: 640 });
    expect(result.notebookDifferences).toEqual([
      { setting: 'epochs', notebook: 2, used: 1 },
      { setting: 'limit', notebook: 'none', used: 640 },
    ]);
    expect(tf.memory().numTensors).toBe(before);
    expect(result.trainSize).toBe(640);
    // Class indices 0–9, roughly balanced: variance near (10² − 1)/12 = 8.25.
    expect(result.targetVariance).toBeGreaterThan(7);
    expect(result.targetVariance).toBeLessThan(9.5);
    expect(result.results.map((r) => r.clipping)).toEqual([
      'none',
      'clipNorm',
      'clipValue',
      'globalClipNorm',
    ]);

    const [none, ...clipped] = result.results;
    expect(none!.diverged).toBe(true);
    expect(none!.finalLoss).toBeNull();
    expect(none!.testLoss).toBeNull();
    expect(none!.divergedAt).not.toBeNull();
    expect(none!.divergedAt!.epoch).toBe(0);
    expect(none!.divergedAt!.step).toBeLessThan(10); // within the first steps

    for (const r of clipped) {
      expect(r.diverged, r.clipping).toBe(false);
      expect(r.divergedAt).toBeNull();
      expect(Number.isFinite(r.finalLoss)).toBe(true);
      expect(r.finalLoss!).toBeGreaterThan(0);
      expect(r.finalLoss!).toBeLessThan(result.explodedAbove);
      expect(r.loss).toHaveLength(1);
      expect(Number.isFinite(r.testLoss)).toBe(true);
      expect(r.testLoss!).toBeLessThan(result.explodedAbove);
    }
  }, 60_000);
});
