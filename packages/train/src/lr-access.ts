import { SteadygradError } from '@steadygrad/core';

/** The part of a trainer the learning-rate callbacks use. */
export interface LearningRateTarget {
  readonly optimizer: {
    readonly learningRate?: number | undefined;
    setLearningRate?(lr: number): void;
  };
}

export function currentLearningRate(who: string, trainer: LearningRateTarget | undefined): number {
  const lr = trainer?.optimizer.learningRate;
  if (typeof lr !== 'number') {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `${who} needs an optimizer with a learning rate (an Optimizer built from sgd(), adam(), ...), got one without`,
    );
  }
  return lr;
}

export function setLearningRate(who: string, trainer: LearningRateTarget | undefined, lr: number): void {
  const opt = trainer?.optimizer;
  if (opt === undefined || typeof opt.setLearningRate !== 'function') {
    throw new SteadygradError(
      'INCOMPATIBLE',
      `${who} needs an optimizer with setLearningRate (@steadygrad/optim's Optimizer), got one without`,
    );
  }
  opt.setLearningRate(lr);
}
