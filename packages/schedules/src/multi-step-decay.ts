import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkNumberArray } from './check-number-array.js';
import { checkStep } from './check-step.js';

/** Options of `multiStepDecay` (after PyTorch `MultiStepLR`). */
export interface MultiStepDecayOptions {
  /** lr0: the optimizer's base learning rate in PyTorch, finite >= 0. */
  readonly initialLearningRate: number;
  /** Epochs (or steps) at which to decay: finite, >= 0, strictly increasing. */
  readonly milestones: readonly number[];
  /** γ, finite > 0. Default 0.1 (PyTorch). */
  readonly gamma?: number;
}

const KEYS = optionKeys<MultiStepDecayOptions>()(['initialLearningRate', 'milestones', 'gamma']);

/**
 * PyTorch `MultiStepLR(milestones, gamma)` as a function of the epoch t:
 * `lr(t) = lr0 · γ^(number of milestones m with m <= t)` — the decay applies AT the milestone epoch (unlike
 * Keras' {@link piecewiseConstant}, where a boundary step still gets the earlier value). PyTorch also accepts
 * repeated milestones (decaying twice); here milestones must be strictly increasing.
 */
export function multiStepDecay(options: MultiStepDecayOptions): Schedule {
  checkOptions('multiStepDecay', options, KEYS);
  const { initialLearningRate, milestones, gamma = 0.1 } = options;
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const ms = checkNumberArray('milestones', milestones, { min: 0 }, { strictlyIncreasing: true });
  const g = checkNumber('gamma', gamma, { above: 0 });
  return (step) => {
    const t = checkStep(step);
    let n = 0;
    while (n < ms.length && ms[n]! <= t) n++;
    return lr0 * g ** n;
  };
}
