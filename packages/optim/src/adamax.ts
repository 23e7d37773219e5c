import type { ScalarOrSchedule } from '@steadygrad/core';
import { checkOptions, optionKeys } from '@steadygrad/core';
import { checkAdamOptions } from './adam.js';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByAdamax } from './scale-by-adamax.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

export interface AdamaxOptions extends ClippingOptions {
  /** Number >= 0 or schedule. Default 0.001 (Keras 3; PyTorch 0.002). */
  readonly learningRate?: ScalarOrSchedule;
  /** In [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** In [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** > 0, added to the infinity norm. Default 1e-7 (PyTorch 1e-8, inside the max). */
  readonly epsilon?: number;
}

const ADAMAX_KEYS = optionKeys<AdamaxOptions>()([
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  ...CLIPPING_KEYS,
]);

/**
 * AdaMax, Keras 3 (t = 1, 2, …): `m ← m + (g − m)(1 − β1)`, `u ← max(β2·u, |g|)`,
 * `w ← w − lr·m/((1 − β1^t)(u + ε))`. `chain(clip?, scaleByAdamax, scaleByLearningRate(lr))`.
 * PyTorch: `u ← max(β2·u, |g| + ε)`, `w ← w − lr·m/((1 − β1^t)·u)` — equal up to terms of order ε/u.
 */
export function adamax(options: AdamaxOptions = {}): Transform<readonly unknown[]> {
  checkOptions('adamax', options, ADAMAX_KEYS);
  const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7 } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkAdamOptions(beta1, beta2, epsilon);
  const tx = chain(
    ...clippingTransforms(options),
    scaleByAdamax({ b1: beta1, b2: beta2, eps: epsilon }),
    scaleByLearningRate(lr),
  );
  const { clipValue, clipNorm, globalClipNorm } = options;
  return describedAs(tx, 'adamax', {
    learningRate,
    beta1,
    beta2,
    epsilon,
    clipValue,
    clipNorm,
    globalClipNorm,
  });
}
