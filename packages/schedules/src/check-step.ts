import { checkNumber } from '@steadygrad/core';

/**
 * Validates the step (or epoch) a schedule is evaluated at: a finite number >= 0. Fractional steps are
 * allowed on purpose: every schedule here is a function of a real-valued step, which is what per-epoch use
 * with fractional epochs needs (PyTorch's `scheduler.step(epoch + i / iters)` idiom). Negative, NaN and
 * infinite steps throw `INVALID_ARGUMENT`.
 */
export function checkStep(step: number): number {
  return checkNumber('step', step, { min: 0 });
}
