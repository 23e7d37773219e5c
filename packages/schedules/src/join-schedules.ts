import { type Schedule, SteadygradError } from '@steadygrad/core';
import { checkNumberArray } from './check-number-array.js';
import { checkSchedule } from './check-schedule.js';
import { checkStep } from './check-step.js';

/**
 * optax `join_schedules`: `schedules[0](t)` for `t < b[0]`, and `schedules[i + 1](t − b[i])` for
 * `b[i] <= t < b[i + 1]` — each later schedule restarts its own step count at its boundary. Boundaries are
 * finite, >= 0 and strictly increasing, one fewer than the schedules. Only the schedule of the current segment
 * is evaluated (so a segment with a bounded domain, like {@link oneCycle}, is never called outside it).
 */
export function joinSchedules(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  if (!Array.isArray(schedules) || schedules.length === 0) {
    throw new SteadygradError('INVALID_ARGUMENT', 'schedules must be a non-empty array of schedules', {
      details: { schedules },
    });
  }
  const fns = schedules.map((s, i) => checkSchedule(`schedules[${i}]`, s));
  const b = checkNumberArray('boundaries', boundaries, { min: 0 }, { strictlyIncreasing: true });
  if (b.length !== fns.length - 1) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `boundaries must have one fewer entry than schedules (${fns.length} schedules need ${fns.length - 1} boundaries), got ${b.length} boundaries`,
      { details: { boundaries } },
    );
  }
  return (step) => {
    const t = checkStep(step);
    let i = 0;
    while (i < b.length && t >= b[i]!) i++;
    return i === 0 ? fns[0]!(t) : fns[i]!(t - b[i - 1]!);
  };
}
