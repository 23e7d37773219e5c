import { checkNumber, type ScalarOrSchedule, SteadygradError } from '@steadygrad/core';

/** Validates a learning rate given as a number (finite, >= 0) or a schedule `(step) => number`. */
export function checkLearningRate(name: string, lr: unknown): ScalarOrSchedule {
  if (typeof lr === 'function') return lr as ScalarOrSchedule;
  if (typeof lr !== 'number') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${name} must be a finite number >= 0 or a schedule (step) => number, got ${JSON.stringify(lr)}`,
      { details: { name, value: lr } },
    );
  }
  return checkNumber(name, lr, { min: 0 });
}

/** The learning rate at `step` (0-based count of updates done); a schedule's value is validated (>= 0). */
export function learningRateAt(lr: ScalarOrSchedule, step: number): number {
  if (typeof lr === 'number') return lr;
  return checkNumber(`learningRate schedule value at step ${step}`, lr(step), { min: 0 });
}
