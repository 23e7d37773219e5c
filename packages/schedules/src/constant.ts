import { checkNumber, type Schedule } from '@steadygrad/core';
import { checkStep } from './check-step.js';

/**
 * A schedule that always returns `value` (finite, >= 0): `f(t) = value`. The seed's "fixed" learning rate,
 * written as a schedule so it can be joined with others ({@link joinSchedules}).
 */
export function constant(value: number): Schedule {
  const v = checkNumber('value', value, { min: 0 });
  return (step) => {
    checkStep(step);
    return v;
  };
}
