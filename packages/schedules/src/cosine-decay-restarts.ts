import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';
import { restartPosition } from './restart-position.js';

/** Options of `cosineDecayRestarts` (after Keras `CosineDecayRestarts`). */
export interface CosineDecayRestartsOptions {
  /** lr0, finite >= 0. */
  readonly initialLearningRate: number;
  /** T0, finite > 0: length of the first period. */
  readonly firstDecaySteps: number;
  /** Period growth factor, finite >= 1. Default 2 (Keras). */
  readonly tMul?: number;
  /** Peak multiplier per restart, finite >= 0. Default 1. */
  readonly mMul?: number;
  /** α in [0, 1]: the floor, as a fraction of lr0. Default 0. */
  readonly alpha?: number;
}

const KEYS = optionKeys<CosineDecayRestartsOptions>()([
  'initialLearningRate',
  'firstDecaySteps',
  'tMul',
  'mMul',
  'alpha',
]);

/**
 * Keras 3 `CosineDecayRestarts` (SGDR, Loshchilov & Hutter): period i lasts `T0 · tMul^i` steps; with `f` the
 * fraction of the current period done,
 * `lr(t) = lr0 · ((1 − α) · ½ · mMul^i · (1 + cos(π f)) + α)`.
 * Note that the floor `α · lr0` is not scaled by `mMul^i`.
 *
 * The restart index is computed exactly at restart steps (see `restartPosition`), where Keras' float
 * logarithm can round down. PyTorch's `CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)` on a base rate lr0 is
 * this schedule with `mMul = 1` and `alpha = eta_min / lr0` (see {@link cosineAnnealingWarmRestarts}).
 */
export function cosineDecayRestarts(options: CosineDecayRestartsOptions): Schedule {
  checkOptions('cosineDecayRestarts', options, KEYS);
  const { initialLearningRate, firstDecaySteps, tMul = 2, mMul = 1, alpha = 0 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const t0 = checkNumber('firstDecaySteps', firstDecaySteps, { above: 0 });
  const tm = checkNumber('tMul', tMul, { min: 1 });
  const mm = checkNumber('mMul', mMul, { min: 0 });
  const a = checkNumber('alpha', alpha, { min: 0, max: 1 });
  return (step) => {
    const { index, fraction } = restartPosition(checkStep(step), t0, tm);
    const cosineDecayed = 0.5 * mm ** index * (1 + Math.cos(Math.PI * fraction));
    return lr0 * ((1 - a) * cosineDecayed + a);
  };
}
