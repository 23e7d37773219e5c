import { checkNumber, checkOptions, optionKeys, type ScalarOrSchedule } from '@steadygrad/core';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { Transform } from './transform.js';

export interface AdamOptions extends ClippingOptions {
  /** Number >= 0 or schedule. Default 0.001. */
  readonly learningRate?: ScalarOrSchedule;
  /** In [0, 1). Default 0.9. */
  readonly beta1?: number;
  /** In [0, 1). Default 0.999. */
  readonly beta2?: number;
  /** Keras "epsilon hat", > 0. Default 1e-7 (PyTorch: 1e-8 in another place, see below). */
  readonly epsilon?: number;
  /** AMSGrad variant. Default false. */
  readonly amsgrad?: boolean;
}

export const ADAM_KEYS = optionKeys<AdamOptions>()([
  'learningRate',
  'beta1',
  'beta2',
  'epsilon',
  'amsgrad',
  ...CLIPPING_KEYS,
]);

/** Validates the Adam-family options shared by adam, adamw, adamax and nadam. */
export function checkAdamOptions(beta1: number, beta2: number, epsilon: number): void {
  checkNumber('beta1', beta1, { min: 0, below: 1 });
  checkNumber('beta2', beta2, { min: 0, below: 1 });
  checkNumber('epsilon', epsilon, { above: 0 });
}

/**
 * Adam, Keras 3 (t = 1, 2, …): `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`,
 * `α_t = lr·√(1 − β2^t)/(1 − β1^t)`, `w ← w − α_t·m/(√v + ε̂)`; AMSGrad uses `v̂ ← max(v̂, v)` in place of v.
 * `chain(clip?, scaleByAdam, scaleByLearningRate(lr))`.
 *
 * PyTorch: `w ← w − lr/(1 − β1^t) · m/(√v/√(1 − β2^t) + ε)` — the same with `ε̂ = ε·√(1 − β2^t)`, so the
 * two differ only through ε's placement (and defaults 1e-7 vs 1e-8); a tiny ε makes them coincide.
 */
export function adam(options: AdamOptions = {}): Transform<readonly unknown[]> {
  checkOptions('adam', options, ADAM_KEYS);
  const { learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7, amsgrad = false } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkAdamOptions(beta1, beta2, epsilon);
  return chain(
    ...clippingTransforms(options),
    scaleByAdam({ b1: beta1, b2: beta2, eps: epsilon, amsgrad }),
    scaleByLearningRate(lr),
  );
}
