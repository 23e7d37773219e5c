import { SteadygradError } from '@steadygrad/core';
import type { ProgressStream } from './progress-bar.js';

/**
 * Resolves `fit`'s `verbose` against where the output goes (`progressStream`, else `process.stdout`), as
 * Keras does: `'auto'` is `1` (a live bar) on a terminal and `2` (one line per epoch) when the output is a
 * file or a pipe (CI logs, `| tee`), where a bar would be noise; with no output at all (a browser without a
 * `progressStream`) it is `0`. Anything but `0`, `1`, `2` or `'auto'` is `INVALID_ARGUMENT`.
 */
export function resolveVerbose(value: unknown, stream?: ProgressStream): 0 | 1 | 2 {
  if (value === 'auto') {
    const out = stream ?? (typeof process === 'undefined' ? undefined : process.stdout);
    if (out === undefined || out === null) return 0;
    return out.isTTY === true ? 1 : 2;
  }
  if (value === 0 || value === 1 || value === 2) return value;
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `verbose must be 0, 1, 2 or 'auto', got ${JSON.stringify(value)}`,
  );
}
