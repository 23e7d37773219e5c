import { checkNumber, checkOptions, optionKeys, type ScalarOrSchedule } from '@steadygrad/core';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByAdagrad } from './scale-by-adagrad.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

export interface AdagradOptions extends ClippingOptions {
  /** Number >= 0 or schedule. Default 0.001 (Keras 3). */
  readonly learningRate?: ScalarOrSchedule;
  /** Starting accumulator value, >= 0. Default 0.1 (Keras 3; PyTorch 0). */
  readonly initialAccumulatorValue?: number;
  /** > 0, inside the square root. Default 1e-7 (Keras 3; PyTorch 1e-10 outside). */
  readonly epsilon?: number;
}

const ADAGRAD_KEYS = optionKeys<AdagradOptions>()([
  'learningRate',
  'initialAccumulatorValue',
  'epsilon',
  ...CLIPPING_KEYS,
]);

/**
 * AdaGrad, Keras 3: `a ← a + g²; w ← w − lr·g / √(a + ε)`, a starting at `initialAccumulatorValue`.
 * `chain(clip?, scaleByAdagrad, scaleByLearningRate(lr))`. PyTorch divides by `√a + ε`, starts a at 0 and
 * has an extra `lr_decay` (lr / (1 + (t − 1)·lr_decay)).
 */
export function adagrad(options: AdagradOptions = {}): Transform<readonly unknown[]> {
  checkOptions('adagrad', options, ADAGRAD_KEYS);
  const { learningRate = 0.001, initialAccumulatorValue = 0.1, epsilon = 1e-7 } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkNumber('initialAccumulatorValue', initialAccumulatorValue, { min: 0 });
  checkNumber('epsilon', epsilon, { above: 0 });
  const tx = chain(
    ...clippingTransforms(options),
    scaleByAdagrad({ initialAccumulatorValue, eps: epsilon }),
    scaleByLearningRate(lr),
  );
  const { clipValue, clipNorm, globalClipNorm } = options;
  return describedAs(tx, 'adagrad', {
    learningRate,
    initialAccumulatorValue,
    epsilon,
    clipValue,
    clipNorm,
    globalClipNorm,
  });
}
