import {
  checkNumber,
  checkOptions,
  optionKeys,
  type ScalarOrSchedule,
  SteadygradError,
} from '@steadygrad/core';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

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

/**
 * Validates the Adam-family options shared by adam, adamw, adamax and nadam. β1 and β2 are numbers: a schedule
 * for β1 (PyTorch's `OneCycleLR(cycle_momentum=True)` cycles Adam's β1) is `INVALID_ARGUMENT` saying so, since
 * Adam's bias correction `1 − β1^t` assumes a constant β1. A cycled momentum goes through `sgd({ momentum })`
 * (Keras's form) or `chain(trace({ decay }), scaleByLearningRate(lr))` (PyTorch's form).
 */
export function checkAdamOptions(beta1: number, beta2: number, epsilon: number): void {
  for (const [name, value] of [
    ['beta1', beta1],
    ['beta2', beta2],
  ] as const) {
    if (typeof value === 'function') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `${name} must be a number in [0, 1), got a function: the Adam family takes no schedule for ${name} (its bias correction 1 − β^t assumes a constant β). To cycle a momentum with oneCycle(...).momentum, use sgd({ momentum: schedule }) (Keras's form) or chain(trace({ decay: schedule }), scaleByLearningRate(lr)) (PyTorch's OneCycleLR form).`,
        { details: { option: name } },
      );
    }
  }
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
  const tx = chain(
    ...clippingTransforms(options),
    scaleByAdam({ b1: beta1, b2: beta2, eps: epsilon, amsgrad }),
    scaleByLearningRate(lr),
  );
  const { clipValue, clipNorm, globalClipNorm } = options;
  return describedAs(tx, 'adam', {
    learningRate,
    beta1,
    beta2,
    epsilon,
    amsgrad,
    clipValue,
    clipNorm,
    globalClipNorm,
  });
}
