import { checkNumber, checkOptions, optionKeys, type Schedule } from '@steadygrad/core';
import { checkSchedule } from './check-schedule.js';
import { checkStep } from './check-step.js';

/** Options of `linearWarmup` (after optax linear schedule). */
export interface LinearWarmupOptions {
  /** W, finite >= 0: warmup length in steps. */
  readonly warmupSteps: number;
  /** lr_w, finite >= 0: the rate reached at step W. */
  readonly targetLearningRate: number;
  /** lr0, finite >= 0: the rate at step 0. Default 0. */
  readonly initialLearningRate?: number;
  /** What follows the warmup, evaluated at `t − W`; default: stay at lr_w. */
  readonly after?: Schedule;
}

const KEYS = optionKeys<LinearWarmupOptions>()([
  'warmupSteps',
  'targetLearningRate',
  'initialLearningRate',
  'after',
]);

/**
 * Linear warmup (Goyal et al. 2017): for `t < W`, `lr(t) = lr0 + (lr_w − lr0) · t / W`; for `t >= W`,
 * `after(t − W)` or, without `after`, `lr_w`. With `after = cosineDecay({ initialLearningRate: lr_w, ... })` it is
 * Keras 3's `CosineDecay(warmup_target=lr_w, warmup_steps=W)`; it is optax's `linear_schedule` joined with
 * `after` at W ({@link joinSchedules}).
 */
export function linearWarmup(options: LinearWarmupOptions): Schedule {
  checkOptions('linearWarmup', options, KEYS);
  const { warmupSteps, targetLearningRate, initialLearningRate = 0, after } = options;
  const w = checkNumber('warmupSteps', warmupSteps, { min: 0 });
  const target = checkNumber('targetLearningRate', targetLearningRate, { min: 0 });
  const lr0 = checkNumber('initialLearningRate', initialLearningRate, { min: 0 });
  const next = after === undefined ? undefined : checkSchedule('after', after);
  return (step) => {
    const t = checkStep(step);
    if (t < w) return lr0 + ((target - lr0) * t) / w;
    return next === undefined ? target : next(t - w);
  };
}
