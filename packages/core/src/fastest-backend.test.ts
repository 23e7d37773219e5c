import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SteadygradError } from './errors.js';
import { useFastestBackend } from './fastest-backend.js';

/** A clock the probe advances by a cost that depends on the active backend: timing without wall time. */
function fakeClock(costs: Readonly<Record<string, number>>) {
  let t = 0;
  const calls: string[] = [];
  return {
    now: () => t,
    calls,
    probe: () => {
      const backend = tf.getBackend();
      calls.push(backend);
      // Real work too, disposed: the probe runs on the backend being measured.
      const y = tf.tidy(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])));
      y.dispose();
      t += costs[backend] ?? Number.NaN;
    },
  };
}

const noLoad = { load: () => Promise.reject(new Error('not installed here')) };

describe('useFastestBackend', () => {
  beforeEach(async () => {
    await tf.setBackend('cpu');
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('times the probe on every candidate (one warm-up, then `repeats` runs) and selects the fastest', async () => {
    const clock = fakeClock({ cpu: 5, wasm: 2 });
    const before = tf.memory().numTensors;
    const info = await useFastestBackend(clock.probe, {
      candidates: ['cpu', 'wasm'],
      now: clock.now,
      repeats: 2,
    });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.timings).toEqual({ cpu: 5, wasm: 2 });
    expect(info.failures).toEqual({});
    expect(clock.calls).toEqual(['cpu', 'cpu', 'cpu', 'wasm', 'wasm', 'wasm']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('picks cpu when cpu is faster, and the earlier candidate on a tie', async () => {
    const slowWasm = fakeClock({ cpu: 1, wasm: 4 });
    expect(
      (await useFastestBackend(slowWasm.probe, { candidates: ['wasm', 'cpu'], now: slowWasm.now })).name,
    ).toBe('cpu');
    const tie = fakeClock({ cpu: 3, wasm: 3 });
    expect((await useFastestBackend(tie.probe, { candidates: ['wasm', 'cpu'], now: tie.now })).name).toBe(
      'wasm',
    );
  });

  it('leaves out a backend that cannot start or whose probe fails, saying why', async () => {
    const clock = fakeClock({ cpu: 7, wasm: 9 });
    const probe = () => {
      if (tf.getBackend() === 'wasm') throw new Error('probe broke on wasm');
      clock.probe();
    };
    const info = await useFastestBackend(probe, {
      candidates: ['webgl', 'wasm', 'cpu'],
      now: clock.now,
      ...noLoad,
    });
    expect(info.name).toBe('cpu');
    expect(info.timings).toEqual({ cpu: 7 });
    expect(info.failures.wasm).toBe('probe broke on wasm');
    expect(info.failures.webgl).toMatch(/backend 'webgl' is not available/);
  });

  it('throws BACKEND_UNAVAILABLE when no candidate runs the probe', async () => {
    const err = await useFastestBackend(
      () => {
        throw new Error('always');
      },
      { candidates: ['cpu'] },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SteadygradError);
    expect((err as SteadygradError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as SteadygradError).message).toBe(
      'useFastestBackend: no candidate ran the probe (cpu: always)',
    );
  });

  it('rejects bad options before switching anything', async () => {
    const cases: [unknown, unknown, RegExp, string?][] = [
      [() => {}, { repeats: 0 }, /repeats must be an integer >= 1, got 0/],
      [() => {}, { candidates: [] }, /candidates must be a non-empty array/],
      [
        () => {},
        { candidates: ['gpu'] },
        /candidate must be one of 'cpu', 'wasm', 'webgl', 'tensorflow', got "gpu"/,
      ],
      [() => {}, { candidate: ['cpu'] }, /[Dd]id you mean 'candidates'/, 'UNKNOWN_OPTION'],
      [() => {}, { now: 5 }, /now must be a function/],
      ['probe', {}, /probe must be a function, got string/],
    ];
    for (const [probe, options, message, code = 'INVALID_ARGUMENT'] of cases) {
      const err = await useFastestBackend(probe as () => void, options as never).catch((e: unknown) => e);
      expect((err as SteadygradError).code).toBe(code);
      expect((err as Error).message).toMatch(message);
      expect(tf.getBackend()).toBe('cpu');
    }
  });
});
