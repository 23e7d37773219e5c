import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `powerDecay` (after Géron's power scheduling). */
export interface PowerDecayOptions {
  /** lr0, finite >= 0. */
  readonly initialLearningRate: number;
  /** s, finite > 0: after s steps the rate is lr0 / 2^c. */
  readonly steps: number;
  /** c, finite >= 0. Default 1. */
  readonly power?: number;
}

const KEYS = optionKeys<PowerDecayOptions>()(['initialLearningRate', 'steps', 'power']);

/**
 * Power scheduling (Géron, "Hands-On Machine Learning", ch. 11): `lr(t) = lr0 / (1 + t / s)^c`.
 *
 * With c = 1 it is Keras' `InverseTimeDecay` with `decayRate = 1`, `decaySteps = s` ({@link inverseTimeDecay});
 * Keras 2's `SGD(decay=d)` is c = 1, s = 1 / d.
 */
export function powerDecay(options: PowerDecayOptions): Schedule {
  checkOptions('powerDecay', options, KEYS);
  const { initialLearningRate, steps, power = 1 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const s = checkNumber('steps', steps, { above: 0 });
  const c = checkNumber('power', power, { min: 0 });
  return (step) => lr0 / (1 + checkStep(step) / s) ** c;
}
