import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `stepDecay` (after PyTorch `StepLR`). */
export interface StepDecayOptions {
  /** lr0: the optimizer's base learning rate in PyTorch, finite >= 0. */
  readonly initialLearningRate: number;
  /** Epochs (or steps) between decays, finite > 0. */
  readonly stepSize: number;
  /** γ, finite > 0. Default 0.1 (PyTorch). */
  readonly gamma?: number;
}

const KEYS = optionKeys<StepDecayOptions>()(['initialLearningRate', 'stepSize', 'gamma']);

/**
 * PyTorch `StepLR(step_size, gamma)` as a function of the epoch t: `lr(t) = lr0 · γ^floor(t / step_size)`.
 * The same as `exponentialDecay({ decaySteps: stepSize, decayRate: gamma, staircase: true })`.
 */
export function stepDecay(options: StepDecayOptions): Schedule {
  checkOptions('stepDecay', options, KEYS);
  const { initialLearningRate, stepSize, gamma = 0.1 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const size = checkNumber('stepSize', stepSize, { above: 0 });
  const g = checkNumber('gamma', gamma, { above: 0 });
  return (step) => lr0 * g ** Math.floor(checkStep(step) / size);
}
