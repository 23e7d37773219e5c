import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `inverseTimeDecay` (after Keras `InverseTimeDecay`). */
export interface InverseTimeDecayOptions {
  /** lr0, finite >= 0. */
  readonly initialLearningRate: number;
  /** s, finite > 0. */
  readonly decaySteps: number;
  /** k, finite >= 0 (0 gives a constant). */
  readonly decayRate: number;
  /** Use `floor(t / s)` instead of `t / s`. Default false. */
  readonly staircase?: boolean;
}

const KEYS = optionKeys<InverseTimeDecayOptions>()([
  'initialLearningRate',
  'decaySteps',
  'decayRate',
  'staircase',
]);

/**
 * Keras 3 `InverseTimeDecay`: `lr(t) = lr0 / (1 + k · t / s)`, or `lr0 / (1 + k · floor(t / s))` with
 * `staircase`.
 *
 * Power scheduling with exponent 1. The seed's `SGD(learning_rate=0.01, decay=1e-4)` (Keras 2's `decay`,
 * removed in Keras 3), which used `lr0 / (1 + decay · iterations)`, is exactly
 * `inverseTimeDecay({ initialLearningRate: 0.01, decaySteps: 1, decayRate: 1e-4 })`. For a general exponent c
 * see {@link powerDecay}.
 */
export function inverseTimeDecay(options: InverseTimeDecayOptions): Schedule {
  checkOptions('inverseTimeDecay', options, KEYS);
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const s = checkNumber('decaySteps', decaySteps, { above: 0 });
  const k = checkNumber('decayRate', decayRate, { min: 0 });
  return (step) => {
    let p = checkStep(step) / s;
    if (staircase) p = Math.floor(p);
    return lr0 / (1 + k * p);
  };
}
