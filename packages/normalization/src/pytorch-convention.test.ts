import { isSteadygradError } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import {
  biasedToUnbiasedVariance,
  fromPyTorchBatchNorm,
  toPyTorchBatchNorm,
  unbiasedToBiasedVariance,
} from './pytorch-convention.js';
import { loadTorchFixtures } from './test-utils/fixtures.js';

describe('PyTorch batch-norm convention', () => {
  it('converts momentum in the opposite sense and passes epsilon through', () => {
    expect(fromPyTorchBatchNorm()).toEqual({ momentum: 0.9, epsilon: 1e-5 });
    expect(fromPyTorchBatchNorm({ momentum: 0.01, eps: 1e-3 }).momentum).toBeCloseTo(0.99, 15);
    expect(toPyTorchBatchNorm().momentum).toBeCloseTo(0.01, 15);
    expect(toPyTorchBatchNorm().eps).toBe(1e-3);
    expect(toPyTorchBatchNorm(fromPyTorchBatchNorm({ momentum: 0.25, eps: 2e-5 }))).toEqual({
      momentum: 0.25,
      eps: 2e-5,
    });
  });

  it('matches what the fixture generator fed torch', () => {
    for (const c of loadTorchFixtures().batchNormalization) {
      expect(toPyTorchBatchNorm({ momentum: c.momentum, epsilon: c.epsilon }).momentum).toBeCloseTo(
        c.torchMomentum,
        15,
      );
    }
  });

  it('converts between the unbiased (PyTorch running_var) and biased (Keras moving_variance) estimators', () => {
    expect(unbiasedToBiasedVariance(2, 4)).toBe(1.5);
    expect(biasedToUnbiasedVariance(1.5, 4)).toBe(2);
    // one batch's statistics from the fixture: torch's var_unbiased = var_biased·n/(n−1)
    const c = loadTorchFixtures().batchNormalization.find((k) => k.training && k.count === 32)!;
    const vb = c.batchVarianceBiased![0]!;
    expect(unbiasedToBiasedVariance(biasedToUnbiasedVariance(vb, 32), 32)).toBeCloseTo(vb, 14);
  });

  it('rejects what has no equivalent', () => {
    expect(() => fromPyTorchBatchNorm({ momentum: 0 })).toThrow(
      /momentum must be a finite number > 0 <= 1, got 0/,
    );
    expect(() => fromPyTorchBatchNorm({ momentum: null as unknown as number })).toThrow(/momentum=None/);
    expect(() => toPyTorchBatchNorm({ momentum: 1 })).toThrow(/momentum must be .*< 1, got 1/);
    expect(() => fromPyTorchBatchNorm({ eps: -1 })).toThrow(/eps must be .*>= 0, got -1/);
    try {
      unbiasedToBiasedVariance(1, 1);
      expect.fail('expected an error');
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toMatch(
        /n \(values per feature in a batch\) must be an integer >= 2, got 1/,
      );
    }
  });
});
