import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';
import { restartPosition } from './restart-position.js';

/** Options of `cosineAnnealingWarmRestarts` (after PyTorch `CosineAnnealingWarmRestarts`). */
export interface CosineAnnealingWarmRestartsOptions {
  /** η_max: the optimizer's base learning rate in PyTorch, finite >= 0. */
  readonly initialLearningRate: number;
  /** T_0, integer >= 1: length of the first period (epochs or steps). */
  readonly t0: number;
  /** T_mult, integer >= 1: period growth factor. Default 1. */
  readonly tMult?: number;
  /** η_min, finite >= 0. Default 0. */
  readonly etaMin?: number;
}

const KEYS = optionKeys<CosineAnnealingWarmRestartsOptions>()([
  'initialLearningRate',
  't0',
  'tMult',
  'etaMin',
]);

/**
 * PyTorch `CosineAnnealingWarmRestarts(T_0, T_mult, eta_min)` as a function of the (possibly fractional)
 * epoch t: period i lasts `T_i = T_0 · T_mult^i`; with `T_cur` the time since the last restart,
 * `lr(t) = η_min + (η_max − η_min) · ½(1 + cos(π T_cur / T_i))`.
 *
 * Fractional t gives what PyTorch's `scheduler.step(epoch + i / iters)` gives, except exactly at a restart,
 * where PyTorch's float logarithm can round the period index down; here a restart step always starts the new
 * period (η_max). Equivalent to Keras-style {@link cosineDecayRestarts} with `mMul = 1`,
 * `alpha = η_min / η_max`. Integer T_0 and T_mult as in PyTorch.
 */
export function cosineAnnealingWarmRestarts(options: CosineAnnealingWarmRestartsOptions): Schedule {
  checkOptions('cosineAnnealingWarmRestarts', options, KEYS);
  const { initialLearningRate, t0, tMult = 1, etaMin = 0 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const first = checkNumber('t0', t0, { min: 1, integer: true });
  const mult = checkNumber('tMult', tMult, { min: 1, integer: true });
  const eta = checkNumber('etaMin', etaMin, { min: 0 });
  return (step) => {
    const { fraction } = restartPosition(checkStep(step), first, mult);
    return eta + (lr0 - eta) * 0.5 * (1 + Math.cos(Math.PI * fraction));
  };
}
