import type { ScalarOrSchedule } from '@steadygrad/core';
import { checkOptions, optionKeys } from '@steadygrad/core';
import { checkAdamOptions } from './adam.js';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByNadam } from './scale-by-nadam.js';
import type { Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

export interface NadamOptions extends ClippingOptions {
  /** Number >= 0 or schedule. Default 0.001 (Keras 3; PyTorch 0.002). */
  readonly learningRate?: ScalarOrSchedule;
  /** In [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** In [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** > 0, added to the bias-corrected √v̂. Default 1e-7 (PyTorch 1e-8). */
  readonly epsilon?: number;
}

const NADAM_KEYS = optionKeys<NadamOptions>()([
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  ...CLIPPING_KEYS,
]);

/**
 * Nadam, Keras 3 (t = 1, 2, …): momentum schedule `μ_t = β1(1 − 0.5·0.96^t)`, `P_t = Π_{i≤t} μ_i`,
 * `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`,
 * `m̂ = μ_{t+1}·m/(1 − P_t·μ_{t+1}) + (1 − μ_t)·g/(1 − P_t)`, `v̂ = v/(1 − β2^t)`, `w ← w − lr·m̂/(√v̂ + ε)`.
 * `chain(clip?, scaleByNadam, scaleByLearningRate(lr))`.
 * PyTorch's schedule is `β1(1 − 0.5·0.96^(0.004·t))` (`momentum_decay = 0.004`): μ_t stays near 0.45 for
 * thousands of steps instead of reaching 0.9 within ~50.
 */
export function nadam(options: NadamOptions = {}): Transform<readonly unknown[]> {
  checkOptions('nadam', options, NADAM_KEYS);
  const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkAdamOptions(beta1, beta2, epsilon);
  const tx = chain(
    ...clippingTransforms(options),
    scaleByNadam({ b1: beta1, b2: beta2, eps: epsilon }),
    scaleByLearningRate(lr),
  );
  const { clipValue, clipNorm, globalClipNorm } = options;
  return describedAs(tx, 'nadam', {
    learningRate,
    beta1,
    beta2,
    epsilon,
    clipValue,
    clipNorm,
    globalClipNorm,
  });
}
