import { isSteadygradError } from '@steadygrad/core';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveVerbose } from './resolve-verbose.js';

const original = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');

afterEach(() => {
  if (original) Object.defineProperty(process.stdout, 'isTTY', original);
  else Reflect.deleteProperty(process.stdout, 'isTTY');
});

describe('resolveVerbose', () => {
  it("'auto' is a bar on a terminal and one line per epoch on a pipe, judged on the stream written to", () => {
    expect(resolveVerbose('auto', { isTTY: true, write: () => true })).toBe(1);
    expect(resolveVerbose('auto', { isTTY: false, write: () => true })).toBe(2);
    expect(resolveVerbose('auto', { write: () => true })).toBe(2);
  });

  it("'auto' without a stream follows process.stdout (CI logs, | tee)", () => {
    for (const [tty, mode] of [
      [true, 1],
      [false, 2],
    ] as const) {
      Object.defineProperty(process.stdout, 'isTTY', { value: tty, configurable: true });
      expect(resolveVerbose('auto')).toBe(mode);
    }
  });

  it('0, 1 and 2 are kept whatever the stream; anything else is INVALID_ARGUMENT', () => {
    for (const v of [0, 1, 2] as const)
      expect(resolveVerbose(v, { isTTY: false, write: () => true })).toBe(v);
    for (const bad of [3, true, 'yes', null]) {
      let error: unknown;
      try {
        resolveVerbose(bad);
      } catch (e) {
        error = e;
      }
      expect(isSteadygradError(error, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
