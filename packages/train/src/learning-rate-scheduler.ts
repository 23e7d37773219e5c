import { SteadygradError } from '@steadygrad/core';
import type { Callback } from './callbacks.js';
import { currentLearningRate, type LearningRateTarget, setLearningRate } from './lr-access.js';

/** `(epoch) => lr` or `(epoch, lr) => lr` (the current learning rate as second argument), as in Keras. */
export type EpochSchedule = (epoch: number, lr: number) => number;

/**
 * Keras `LearningRateScheduler(schedule)`: at the beginning of every epoch, sets the optimizer's learning rate
 * to `schedule(epoch, currentLr)` through `Optimizer.setLearningRate` (the override lives in the optimizer
 * state, so it is checkpointed). Epochs count from 0. Both of seed cells 22–28's forms work:
 *
 * ```ts
 * learningRateScheduler((epoch) => 0.01 * 0.1 ** (epoch / 20));       // cell 22
 * learningRateScheduler((epoch, lr) => lr * 0.1 ** (1 / 20));          // cell 26's compounding form
 * learningRateScheduler(piecewiseConstant({ boundaries: [4, 14], values: [0.01, 0.005, 0.001] })); // cell 27
 * ```
 *
 * Any `@steadygrad/schedules` schedule is an `(epoch) => lr` function. The rate used by each epoch is the
 * `lr` entry of the `History`. For a schedule **per step** (1cycle, exponential decay per iteration), pass the
 * schedule as the optimizer's `learningRate` instead (`sgd({ learningRate: oneCycle(...).learningRate })`);
 * it is evaluated at every step from the optimizer's step counter, which is checkpointed too.
 *
 * The returned value must be a finite number >= 0 (`INVALID_ARGUMENT` otherwise, naming the epoch).
 */
export function learningRateScheduler(schedule: EpochSchedule): Callback<LearningRateTarget> {
  if (typeof schedule !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `learningRateScheduler expects a function (epoch) => lr or (epoch, lr) => lr, got ${typeof schedule}`,
    );
  }
  let trainer: LearningRateTarget | undefined;
  return {
    setTrainer(t: LearningRateTarget) {
      trainer = t;
    },
    onEpochBegin(epoch: number) {
      const lr = currentLearningRate('learningRateScheduler', trainer);
      const next = schedule(epoch, lr);
      if (typeof next !== 'number' || !Number.isFinite(next) || next < 0) {
        throw new SteadygradError(
          'INVALID_ARGUMENT',
          `learningRateScheduler: the schedule returned ${String(next)} for epoch ${epoch}; expected a finite number >= 0`,
          { details: { epoch, value: next } },
        );
      }
      setLearningRate('learningRateScheduler', trainer, next);
    },
  };
}
