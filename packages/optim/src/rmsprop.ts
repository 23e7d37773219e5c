import { checkNumber, checkOptions, optionKeys, type ScalarOrSchedule } from '@steadygrad/core';
import { chain } from './chain.js';
import { CLIPPING_KEYS, type ClippingOptions, clippingTransforms } from './clipping-options.js';
import { checkLearningRate } from './learning-rate.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { scaleByRms } from './scale-by-rms.js';
import { trace } from './trace.js';
import type { Transform } from './transform.js';
import { describedAs } from './transform-descriptor.js';

export interface RmspropOptions extends ClippingOptions {
  /** Number >= 0 or schedule. Default 0.001 (Keras 3; PyTorch 0.01). */
  readonly learningRate?: ScalarOrSchedule;
  /** Discount ρ in [0, 1). Default 0.9 (Keras 3; PyTorch's `alpha` 0.99). */
  readonly rho?: number;
  /** Momentum in [0, 1). Default 0. */
  readonly momentum?: number;
  /** > 0, inside the square root. Default 1e-7 (Keras 3; PyTorch 1e-8 outside). */
  readonly epsilon?: number;
  /** Centered variant. Default false. */
  readonly centered?: boolean;
}

const RMSPROP_KEYS = optionKeys<RmspropOptions>()([
  'learningRate',
  'rho',
  'momentum',
  'epsilon',
  'centered',
  ...CLIPPING_KEYS,
]);

/**
 * RMSprop, Keras 3: `v ← ρ·v + (1 − ρ)·g²` (centered: also `ḡ ← ρ·ḡ + (1 − ρ)·g`, `d = v − ḡ² + ε`; else
 * `d = v + ε`), `Δ = lr·g/√d`; without momentum `w ← w − Δ`, with momentum `m ← μ·m + Δ; w ← w − m`.
 * `chain(clip?, scaleByRms, scaleByLearningRate(lr), trace(μ)?)`.
 * PyTorch puts ε outside the root and keeps its momentum buffer before the learning rate
 * (`b ← μ·b + g/√d; w ← w − lr·b`): the same for a constant learning rate and tiny ε.
 */
export function rmsprop(options: RmspropOptions = {}): Transform<readonly unknown[]> {
  checkOptions('rmsprop', options, RMSPROP_KEYS);
  const { learningRate = 0.001, rho = 0.9, momentum = 0, epsilon = 1e-7, centered = false } = options;
  const lr = checkLearningRate('learningRate', learningRate);
  checkNumber('rho', rho, { min: 0, below: 1 });
  checkNumber('momentum', momentum, { min: 0, below: 1 });
  checkNumber('epsilon', epsilon, { above: 0 });
  const clip = clippingTransforms(options);
  const rms = scaleByRms({ decay: rho, eps: epsilon, centered });
  const tx =
    momentum > 0
      ? chain(...clip, rms, scaleByLearningRate(lr), trace({ decay: momentum }))
      : chain(...clip, rms, scaleByLearningRate(lr));
  const { clipValue, clipNorm, globalClipNorm } = options;
  return describedAs(tx, 'rmsprop', {
    learningRate,
    rho,
    momentum,
    epsilon,
    centered,
    clipValue,
    clipNorm,
    globalClipNorm,
  });
}
