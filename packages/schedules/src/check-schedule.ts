import { type Schedule, SteadygradError } from '@steadygrad/core';

/** Validates that `value` is a schedule (a function `(step) => number`). */
export function checkSchedule(name: string, value: unknown): Schedule {
  if (typeof value !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${name} must be a schedule (step: number) => number, got ${value === null ? 'null' : typeof value}`,
      { details: { name } },
    );
  }
  return value as Schedule;
}
