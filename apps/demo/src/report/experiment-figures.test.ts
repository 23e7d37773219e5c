import { describe, expect, it } from 'vitest';
import { experiments } from '../experiments/index.js';
import { EXPERIMENTS_WITH_FIGURES, experimentFigures } from './experiment-figures.js';

describe('experiment figures', () => {
  it('every experiment of the demo has figures the report reads', () => {
    expect([...EXPERIMENTS_WITH_FIGURES].sort()).toEqual(experiments.map((e) => e.name).sort());
  });

  it('reads SeedStats, { mean, std } with per-seed records, arrays and single numbers', () => {
    const transfer = experimentFigures('transfer', {
      taskB: {
        scratch: { mean: 0.9, std: 0.01, values: [0.89, 0.9, 0.91] },
        transfer: { mean: 0.95, std: 0, values: [0.95] },
      },
      errorRateReduction: 0.5,
      modelA: { testAccuracy: 0.93 },
      published: { scratch: 0.9705, transfer: 0.994 },
    });
    expect(transfer.map((f) => [f.id, f.steadygrad?.n])).toEqual([
      ['scratch.testAccuracy', 3],
      ['transfer.testAccuracy', 1],
      ['errorRateReduction', 1],
      ['modelA.testAccuracy', 1],
    ]);
    // The mean is recomputed from the per-seed values (with their sample std).
    expect(transfer[0]?.steadygrad?.mean).toBeCloseTo(0.9, 15);
    expect(transfer[0]?.steadygrad?.std).toBeCloseTo(0.01, 15);
    expect(transfer.map((f) => f.published?.value)).toEqual([
      0.9705,
      0.994,
      1 - (1 - 0.994) / (1 - 0.9705),
      undefined,
    ]);
    expect(transfer[2]?.derivedFrom).toEqual(['scratch.testAccuracy', 'transfer.testAccuracy']);
    const optimizers = experimentFigures('optimizers', {
      results: [
        {
          optimizer: 'adam',
          valAccuracy: { mean: 0.86, std: 0.01 },
          seeds: [{ valAccuracy: 0.85 }, { valAccuracy: 0.87 }],
          published: 0.8636,
        },
      ],
    });
    expect(optimizers[0]?.steadygrad).toMatchObject({ mean: 0.86, n: 2, values: [0.85, 0.87] });
    expect(optimizers[0]?.steadygrad?.std).toBeCloseTo(Math.SQRT2 / 100, 12);
    const activations = experimentFigures('activations', {
      results: [{ activation: 'selu', accuracies: [0.8, 0.84], valAccuracies: [], published: 0.8046 }],
    });
    // Géron published the final validation accuracy: it stands beside that row; a figure the result lacks →
    // missing.
    expect(activations.map((f) => [f.id, f.steadygrad?.mean, f.published?.value])).toEqual([
      ['selu.testAccuracy', 0.8200000000000001, undefined],
      ['selu.finalTrainLoss', undefined, undefined],
      ['selu.valAccuracy', undefined, 0.8046],
    ]);
    // A run without a validation set (quick profile) measures no validation accuracy: no such row.
    const quick = experimentFigures('activations', {
      validationSize: 0,
      results: [{ activation: 'selu', accuracies: [0.8, 0.84], trainLoss: [0.5, 0.52], valAccuracies: [] }],
    });
    expect(quick.map((f) => f.id)).toEqual(['selu.testAccuracy', 'selu.finalTrainLoss']);
  });

  it('per-seed losses (bn finalTrainLossStats, mlp testLossStats) are judged per seed, not as a mean', () => {
    const [, loss] = experimentFigures('mlp', {
      testAccuracy: 0.85,
      testLoss: 0.4,
      testLossStats: { mean: 0.4, std: 0.1, values: [0.3, 0.5] },
      seeds: [42, 43],
    });
    expect(loss?.steadygrad).toMatchObject({ n: 2, values: [0.3, 0.5] });
    expect(loss?.steadygrad?.mean).toBeCloseTo(0.4, 12);
    expect(loss?.steadygrad?.std).toBeCloseTo(Math.SQRT2 / 10, 12);
    expect(loss?.steadygrad?.meanOnly).toBeUndefined();
    const bn = experimentFigures('bn', {
      seeds: [42, 43],
      results: [
        {
          variant: 'plain',
          testAccuracyStats: { mean: 0.86, std: 0, values: [0.86, 0.86] },
          trainLoss: [0.5, 0.31],
          finalTrainLossStats: { mean: 0.31, std: 0.01, values: [0.3, 0.32] },
        },
      ],
    });
    expect(bn.map((f) => [f.id, f.steadygrad?.values])).toEqual([
      ['plain.testAccuracy', [0.86, 0.86]],
      ['plain.finalTrainLoss', [0.3, 0.32]],
    ]);
  });

  it('a mean over several seeds without per-seed values is marked as such', () => {
    const [, loss] = experimentFigures('mlp', { testAccuracy: 0.85, testLoss: 0.4, seeds: [42, 43, 44] });
    expect(loss?.steadygrad).toEqual({ mean: 0.4, std: Number.NaN, n: 3, meanOnly: true });
    const [single] = experimentFigures('mlp', { testAccuracy: 0.85, seeds: [42] });
    expect(single?.steadygrad).toEqual({ mean: 0.85, std: 0, n: 1, values: [0.85] });
  });

  it('a figure the result lacks is missing (null), never an exception', () => {
    const [acc, loss] = experimentFigures('mlp', { testLoss: 0.4 });
    expect(acc?.steadygrad).toBeNull();
    expect(loss?.steadygrad).toEqual({ mean: 0.4, std: 0, n: 1, values: [0.4] });
    expect(experimentFigures('bn', null)).toEqual([]);
    const [, testLoss] = experimentFigures('clipping', {
      results: [{ clipping: 'none', diverged: true, testLoss: null }],
    });
    expect(testLoss?.steadygrad).toBeNull();
    expect(testLoss?.missingReason).toBe('null in the result: not finite (the run diverged or overflowed)');
    expect(experimentFigures('no-such', {})).toEqual([]);
  });
});
