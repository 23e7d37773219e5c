import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `exponentialDecay` (after Keras `ExponentialDecay`). */
export interface ExponentialDecayOptions {
  /** lr0, finite >= 0. */
  readonly initialLearningRate: number;
  /** s, finite > 0. */
  readonly decaySteps: number;
  /** r, finite > 0 (r > 1 grows, as in a learning-rate sweep). */
  readonly decayRate: number;
  /** Use `floor(t / s)` instead of `t / s`. Default false. */
  readonly staircase?: boolean;
}

const KEYS = optionKeys<ExponentialDecayOptions>()([
  'initialLearningRate',
  'decaySteps',
  'decayRate',
  'staircase',
]);

/**
 * Keras 3 `ExponentialDecay`: `lr(t) = lr0 · r^(t / s)`, or `lr0 · r^floor(t / s)` with `staircase`.
 *
 * - The seed's `0.01 · 0.1^(epoch / 20)` is `{ initialLearningRate: 0.01, decayRate: 0.1, decaySteps: 20 }`.
 * - PyTorch `ExponentialLR(gamma)` (per epoch) is `{ initialLearningRate: lr, decayRate: gamma, decaySteps: 1 }`.
 * - PyTorch `StepLR(step_size, gamma)` is `{ decayRate: gamma, decaySteps: step_size, staircase: true }`
 *   (also available as {@link stepDecay}).
 */
export function exponentialDecay(options: ExponentialDecayOptions): Schedule {
  checkOptions('exponentialDecay', options, KEYS);
  const { initialLearningRate, decaySteps, decayRate, staircase = false } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const s = checkNumber('decaySteps', decaySteps, { above: 0 });
  const r = checkNumber('decayRate', decayRate, { above: 0 });
  return (step) => {
    let p = checkStep(step) / s;
    if (staircase) p = Math.floor(p);
    return lr0 * r ** p;
  };
}
