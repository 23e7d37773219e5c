import { registerGradients, tf } from '@steadygrad/core';
import { loadFashionMnist } from '@steadygrad/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentContext } from '../experiment.js';
import { testContext } from '../test-context.js';
import {
  DEEP_STATS_PAIRS,
  type DeepStatsPair,
  deepStats,
  pixelStats,
  runDeepStats,
  sparkline,
  standardizedImages,
} from './deep-stats.js';

const context = (overrides: Partial<ExperimentContext> = {}): ExperimentContext =>
  testContext({ profile: 'quick', seed: 42, limit: 2000, ...overrides });

beforeAll(() => {
  registerGradients();
});

describe('standardization', () => {
  it('gives every varying pixel mean 0 and std 1 over the split', async () => {
    const data = await loadFashionMnist();
    const train = { ...data.train, count: 500, images: data.train.images.subarray(0, 500 * 784) };
    const stats = pixelStats(train);
    const source = standardizedImages(train, stats);
    const x = source.batch(Int32Array.from({ length: 500 }, (_, i) => i));
    const { mean, variance } = tf.moments(x, 0);
    const m = mean.dataSync();
    const v = variance.dataSync();
    tf.dispose([x, mean, variance]);
    for (let j = 0; j < 784; j++) {
      expect(Math.abs(m[j]!)).toBeLessThan(1e-4);
      // constant pixels (std 1 by convention) standardize to 0
      if (stats.std[j] !== 1) expect(Math.abs(v[j]! - 1)).toBeLessThan(1e-3);
      else expect(v[j]).toBe(0);
    }
  });
});

describe('sparkline', () => {
  it('maps a log scale onto eight blocks and marks overflow and zeros', () => {
    expect(sparkline([1e-3, 1e-2, 1e4, Number.POSITIVE_INFINITY, Number.NaN, 0], 1e-3, 1e4)).toBe('▁▂█××·');
  });
});

describe('deep-stats experiment', () => {
  it('is registered with the CLI name', () => {
    expect(deepStats.name).toBe('deep-stats');
  });

  it('profiles five pairs over 50 layers: sigmoid + N(0,1) saturates and its gradient vanishes toward the input, ReLU + N(0,1) explodes', async () => {
    const lines: string[] = [];
    const before = tf.memory().numTensors;
    const r = await runDeepStats(context({ batchSize: 64, log: (l) => lines.push(l) }), { depth: 50 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.depth).toBe(50);
    expect(r.profile).toBe('quick');
    // Nothing is trained: the quick profile is the notebook's; only the overrides differ.
    expect(r.notebookDifferences).toEqual([
      { setting: 'depth', notebook: 100, used: 50 },
      { setting: 'batchSize', notebook: 256, used: 64 },
      { setting: 'limit', notebook: 'none', used: 2000 },
    ]);
    expect(r.batchSize).toBe(64);
    expect(r.pairs.map((p) => `${p.activation}+${p.initializer}`)).toEqual([
      'sigmoid+random_normal(stddev=1)',
      'tanh+glorot_uniform',
      'relu+he_normal',
      'selu+lecun_normal',
      'relu+random_normal(stddev=1)',
    ]);
    for (const p of r.pairs) {
      expect(p.activationStd).toHaveLength(50);
      expect(p.gradientNorm).toHaveLength(50);
      expect(p.inactiveFraction).toHaveLength(50);
    }
    const [sigmoid, tanh, reluHe, selu, reluN] = r.pairs as [
      DeepStatsPair,
      DeepStatsPair,
      DeepStatsPair,
      DeepStatsPair,
      DeepStatsPair,
    ];
    // sigmoid + N(0, 1): pre-activations of std ≈ √(100·E[a²]) ≈ 7 put about a third of the outputs
    // beyond 0.01/0.99 in every layer; the gradient norm shrinks toward the input (> 3× over 50 layers).
    expect(Math.min(...sigmoid.inactiveFraction.slice(1))).toBeGreaterThan(0.25);
    expect(sigmoid.gradientNorm[0]! * 3).toBeLessThan(sigmoid.gradientNorm[49]!);
    // ReLU + N(0, 1): the forward signal grows ×√50 per layer in expectation until float32 overflows.
    expect(reluN.activationStd[10]! / reluN.activationStd[0]!).toBeGreaterThan(1e6);
    expect(reluN.activationStd.some((s) => !Number.isFinite(s))).toBe(true);
    // The matched pairs stay finite, with gradients well away from 0 and std within a decade of 1 (tanh
    // + Glorot slowly shrinks: tanh'(z) < 1).
    for (const p of [tanh, reluHe, selu]) {
      expect(p.gradientNorm.every((g) => Number.isFinite(g) && g > 1e-3)).toBe(true);
      expect(p.activationStd.every((s) => s > 0.05 && s < 3)).toBe(true);
    }
    expect(lines.some((l) => l.includes('selu + lecun_normal') && /[▁▂▃▄▅▆▇█]{50}/.test(l))).toBe(true);
  }, 60_000);

  it('SELU + LeCun keeps the activation std within [0.7, 1.3] through all 100 layers on standardized inputs', async () => {
    const selu = DEEP_STATS_PAIRS.filter((p) => p.activation === 'selu');
    const before = tf.memory().numTensors;
    const r = await runDeepStats(context({ batchSize: 128 }), { pairs: selu });
    expect(tf.memory().numTensors).toBe(before);
    const stds = r.pairs[0]!.activationStd;
    expect(stds).toHaveLength(100);
    for (const s of stds) {
      expect(s).toBeGreaterThanOrEqual(0.7);
      expect(s).toBeLessThanOrEqual(1.3);
    }
  }, 60_000);
});
