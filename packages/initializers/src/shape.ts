import { SteadygradError } from '@steadygrad/core';

/**
 * Validates a weight shape: an array of non-negative integer dimensions (a scalar is `[]`). Returns a plain
 * copy. Throws `INVALID_ARGUMENT` naming the initializer, the offending shape and what was expected.
 */
export function checkShape(who: string, shape: unknown): number[] {
  const ok =
    Array.isArray(shape) && shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0);
  if (!ok) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${who}: shape must be an array of non-negative integers (e.g. [784, 300]), got ${JSON.stringify(shape)}`,
      { details: { initializer: who, shape } },
    );
  }
  return [...(shape as number[])];
}

/** Number of elements of a validated shape (1 for a scalar). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
