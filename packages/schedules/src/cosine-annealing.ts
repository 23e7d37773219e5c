import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `cosineAnnealing` (after PyTorch `CosineAnnealingLR`). */
export interface CosineAnnealingOptions {
  /** η_max: the optimizer's base learning rate in PyTorch, finite >= 0. */
  readonly initialLearningRate: number;
  /** T_max, finite > 0: half a period (steps or epochs from η_max down to η_min). */
  readonly tMax: number;
  /** η_min, finite >= 0. Default 0. */
  readonly etaMin?: number;
}

const KEYS = optionKeys<CosineAnnealingOptions>()(['initialLearningRate', 'tMax', 'etaMin']);

/**
 * PyTorch `CosineAnnealingLR(T_max, eta_min)` as a function of the epoch (or step) t:
 * `lr(t) = η_min + (η_max − η_min) · ½(1 + cos(π t / T_max))`.
 *
 * Like PyTorch (both its recursive and closed forms), the cosine continues past T_max: the rate rises back to
 * η_max at 2·T_max and so on (period 2·T_max). For a decay that stops at its floor use Keras-style
 * {@link cosineDecay} (`alpha = η_min / η_max`, `decaySteps = T_max`); for restarts
 * {@link cosineAnnealingWarmRestarts}.
 */
export function cosineAnnealing(options: CosineAnnealingOptions): Schedule {
  checkOptions('cosineAnnealing', options, KEYS);
  const { initialLearningRate, tMax, etaMin = 0 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const tm = checkNumber('tMax', tMax, { above: 0 });
  const eta = checkNumber('etaMin', etaMin, { min: 0 });
  return (step) => eta + (lr0 - eta) * 0.5 * (1 + Math.cos((Math.PI * checkStep(step)) / tm));
}
