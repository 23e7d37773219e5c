import { checkNumber, checkOptions, optionKeys, type Schedule, SteadygradError } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/** Options of `geronOneCycle` (after Géron's OneCycleScheduler). */
export interface GeronOneCycleOptions {
  /** N: number of optimizer steps (Géron: `ceil(len(X_train) / batch_size) · n_epochs`), integer >= 3. */
  readonly iterations: number;
  /** η_max, finite >= 0. */
  readonly maxLearningRate: number;
  /** η_0, finite >= 0. Default η_max / 10. */
  readonly startLearningRate?: number;
  /** L: length of the final phase, integer >= 1 with N − L >= 2. Default floor(N / 10) + 1. */
  readonly lastIterations?: number;
  /** η_last, finite >= 0. Default η_0 / 1000. */
  readonly lastLearningRate?: number;
}

const KEYS = optionKeys<GeronOneCycleOptions>()([
  'iterations',
  'maxLearningRate',
  'startLearningRate',
  'lastIterations',
  'lastLearningRate',
]);

/**
 * Géron's piecewise-linear 1cycle (`OneCycleScheduler` callback of handson-ml2/ml3, notebook 11), with
 * `h = floor((N − L) / 2)`:
 *
 * - `t < h`: linear from η_0 (at 0) to η_max (at h);
 * - `h <= t < 2h`: linear from η_max back to η_0 (at 2h);
 * - `2h <= t <= N`: linear from η_0 down to η_last (at N);
 * - `t > N`: η_last (the callback would keep extrapolating the last line, eventually below zero).
 *
 * Step t is the rate of the (t+1)-th update, as the callback sets it in `on_batch_begin` before incrementing
 * its counter. Unlike PyTorch's {@link oneCycle} it does not cycle the momentum. Defaults apply only when an
 * option is omitted (the Python code's `start_lr or max_lr / 10` would also replace an explicit 0).
 */
export function geronOneCycle(options: GeronOneCycleOptions): Schedule {
  checkOptions('geronOneCycle', options, KEYS);
  const { iterations, maxLearningRate } = options;
  const n = checkNumber('iterations', iterations, { min: 3, integer: true });
  const maxLr = checkNumber('maxLearningRate', maxLearningRate, { min: 0 });
  const { startLearningRate = maxLr / 10, lastIterations = Math.floor(n / 10) + 1 } = options;
  const startLr = checkNumber('startLearningRate', startLearningRate, { min: 0 });
  const { lastLearningRate = startLr / 1000 } = options;
  const lastLr = checkNumber('lastLearningRate', lastLearningRate, { min: 0 });
  const last = checkNumber('lastIterations', lastIterations, { min: 1, integer: true });
  const half = Math.floor((n - last) / 2);
  if (half < 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `lastIterations must be an integer <= iterations − 2 (so that each half of the cycle has a step), got lastIterations = ${last} with iterations = ${n}`,
      { details: { iterations, lastIterations } },
    );
  }
  const interpolate = (t: number, t1: number, t2: number, r1: number, r2: number): number =>
    ((r2 - r1) * (t - t1)) / (t2 - t1) + r1;
  return (step) => {
    const t = checkStep(step);
    if (t < half) return interpolate(t, 0, half, startLr, maxLr);
    if (t < 2 * half) return interpolate(t, half, 2 * half, maxLr, startLr);
    if (t <= n) return interpolate(t, 2 * half, n, startLr, lastLr);
    return lastLr;
  };
}
