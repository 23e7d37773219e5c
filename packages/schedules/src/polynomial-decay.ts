import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `polynomialDecay` (after Keras `PolynomialDecay`). */
export interface PolynomialDecayOptions {
  /** lr0, finite >= 0. */
  readonly initialLearningRate: number;
  /** s, finite > 0. */
  readonly decaySteps: number;
  /** lr_end, finite >= 0. Default 1e-4 (Keras). */
  readonly endLearningRate?: number;
  /** p, finite >= 0. Default 1 (linear). */
  readonly power?: number;
  /** Restart the decay every s steps (from lr0 again). Default false. */
  readonly cycle?: boolean;
}

const KEYS = optionKeys<PolynomialDecayOptions>()([
  'initialLearningRate',
  'decaySteps',
  'endLearningRate',
  'power',
  'cycle',
]);

/**
 * Keras 3 `PolynomialDecay`:
 * `lr(t) = (lr0 − lr_end) · (1 − t' / s')^p + lr_end` where, without `cycle`, `t' = min(t, s)` and `s' = s`
 * (the rate stays at `lr_end` after s steps); with `cycle`, `t' = t` and `s' = s · ceil(t / s)` (`s' = s` at
 * t = 0), so the rate reaches `lr_end` at every multiple of s and jumps back up right after.
 *
 * PyTorch `PolynomialLR(total_iters, power)` (per epoch, decays to 0) is
 * `{ initialLearningRate: lr, decaySteps: total_iters, power, endLearningRate: 0 }`.
 */
export function polynomialDecay(options: PolynomialDecayOptions): Schedule {
  checkOptions('polynomialDecay', options, KEYS);
  const { initialLearningRate, decaySteps, endLearningRate = 1e-4, power = 1, cycle = false } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const s = checkNumber('decaySteps', decaySteps, { above: 0 });
  const end = checkNumber('endLearningRate', endLearningRate, { min: 0 });
  const p = checkNumber('power', power, { min: 0 });
  return (step) => {
    let t = checkStep(step);
    let span = s;
    if (cycle) span = s * (t === 0 ? 1 : Math.ceil(t / s));
    else t = Math.min(t, s);
    return (lr0 - end) * (1 - t / span) ** p + end;
  };
}
