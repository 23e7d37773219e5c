import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import { ADAM_KEYS, type AdamOptions, checkAdamOptions } from './adam.js';
import { addDecayedWeights } from './add-decayed-weights.js';
import { chain } from './chain.js';
import { clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import type { Mask } from './mask.js';
import { scaleByAdam } from './scale-by-adam.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import type { Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

export interface AdamwOptions extends AdamOptions {
  /** Decoupled decay rate, >= 0. Default 0.004 (Keras 3; PyTorch 0.01). */
  readonly weightDecay?: number;
  /**
   * Parameters not to decay: names containing any of these strings, names matching any RegExp (Keras
   * `exclude_from_weight_decay(var_names=...)`), or a predicate `(name) => boolean`.
   */
  readonly excludeFromWeightDecay?: readonly (string | RegExp)[] | ((name: string) => boolean);
}

const ADAMW_KEYS = optionKeys<AdamwOptions>()(['weightDecay', 'excludeFromWeightDecay', ...ADAM_KEYS]);

function decayMask(exclude: AdamwOptions['excludeFromWeightDecay']): Mask | undefined {
  if (exclude === undefined) return undefined;
  if (typeof exclude === 'function') return (name) => !exclude(name);
  if (!Array.isArray(exclude)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `excludeFromWeightDecay must be an array of strings/RegExps or a function (name) => boolean, got ${JSON.stringify(exclude)}`,
    );
  }
  const patterns = exclude as readonly (string | RegExp)[];
  return (name) => !patterns.some((p) => (typeof p === 'string' ? name.includes(p) : name.search(p) !== -1));
}

/**
 * AdamW, Keras 3: Adam (see {@link adam}) plus decoupled weight decay `w ← w − lr·wd·w` using the same
 * learning rate, skipped for `excludeFromWeightDecay`.
 * `chain(clip?, scaleByAdam, addDecayedWeights(wd, { mask }), scaleByLearningRate(lr))`.
 * PyTorch's AdamW applies the same decay `w ← w(1 − lr·wd)`; the update differs only through ε (as Adam).
 */
export function adamw(options: AdamwOptions = {}): Transform<readonly unknown[]> {
  checkOptions('adamw', options, ADAMW_KEYS);
  const {
    learningRate = 0.001,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon = 1e-7,
    amsgrad = false,
    weightDecay = 0.004,
    excludeFromWeightDecay,
  } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkAdamOptions(beta1, beta2, epsilon);
  checkNumber('weightDecay', weightDecay, { min: 0 });
  const mask = decayMask(excludeFromWeightDecay);
  const tx = chain(
    ...clippingTransforms(options),
    scaleByAdam({ b1: beta1, b2: beta2, eps: epsilon, amsgrad }),
    addDecayedWeights(weightDecay, mask === undefined ? {} : { mask }),
    scaleByLearningRate(lr),
  );
  const { clipValue, clipNorm, globalClipNorm } = options;
  return describedAs(tx, 'adamw', {
    learningRate,
    beta1,
    beta2,
    epsilon,
    amsgrad,
    weightDecay,
    excludeFromWeightDecay,
    clipValue,
    clipNorm,
    globalClipNorm,
  });
}
