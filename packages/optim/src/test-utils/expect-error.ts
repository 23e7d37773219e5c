import { type ErrorCode, isSteadygradError } from '@steadygrad/core';
import { expect } from 'vitest';

/** Asserts that `f` throws a SteadygradError with `code` whose message matches `message`. */
export function expectError(f: () => unknown, code: ErrorCode, message: RegExp | string): void {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(isSteadygradError(error, code), `expected SteadygradError ${code}, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toMatch(message);
}
