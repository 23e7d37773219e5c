import * as tf from '@tensorflow/tfjs-core';
import {
  BACKEND_CHOICES,
  type BackendInfo,
  type BackendName,
  isNode,
  type UseBackendOptions,
  useBackend,
} from './backend.js';
import { checkOptions, optionKeys } from './check-options.js';
import { SteadygradError } from './errors.js';
import { checkNumber, checkOneOf } from './validate.js';

/** Options of {@link useFastestBackend}. */
export interface FastestBackendOptions extends UseBackendOptions {
  /**
   * The backends to try, in order (ties go to the earlier one). Default: in a browser `['webgl', 'wasm']`, in
   * Node `['tensorflow', 'wasm']`. One that cannot be started is left out (its reason is in `failures`).
   */
  readonly candidates?: readonly BackendName[];
  /** Timed runs of the probe on each backend, after one untimed warm-up run; the median counts. Default 3. */
  readonly repeats?: number;
  /** The clock, in milliseconds (default `performance.now`); tests pass their own. */
  readonly now?: () => number;
}

/** What {@link useFastestBackend} chose, and why. */
export interface FastestBackendInfo extends BackendInfo {
  /** Median milliseconds of one probe run, per backend that ran it. */
  readonly timings: Readonly<Partial<Record<BackendName, number>>>;
  /** Why a candidate was left out, per backend that could not be started or failed the probe. */
  readonly failures: Readonly<Partial<Record<BackendName, string>>>;
}

const KEYS = optionKeys<FastestBackendOptions>()([
  'candidates',
  'repeats',
  'now',
  'load',
  'relaxedSimd',
  'tensorflowThreads',
]);

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * Selects the backend on which `probe` runs fastest — what "auto" should mean for a particular model when the
 * usual order (`useBackend('auto')`: webgl first in a browser) is not the fastest, e.g. WebGL on a software
 * renderer or a small model on a weak GPU, where wasm's SIMD kernels win.
 *
 * For each candidate: `useBackend(candidate)`, one untimed run of `probe` (WebGL compiles its shader programs,
 * wasm instantiates), then `repeats` timed runs. The probe should do a few steps of the real work (e.g. a few
 * `trainOnBatch` calls of the model on a batch of its input shape), await its results (`await t.data()`, so
 * that asynchronous backends are timed to the end) and dispose what it creates. Ends with the fastest backend
 * selected and returns it with every timing.
 *
 * @throws `INVALID_ARGUMENT` for a bad option (nothing is switched);
 *         `BACKEND_UNAVAILABLE` when no candidate could run the probe (the backend is then the last one tried).
 */
export async function useFastestBackend(
  probe: () => unknown,
  options: FastestBackendOptions = {},
): Promise<FastestBackendInfo> {
  checkOptions('useFastestBackend', options, KEYS);
  if (typeof probe !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `useFastestBackend: probe must be a function, got ${typeof probe}`,
    );
  }
  const {
    candidates = (isNode() ? ['tensorflow', 'wasm'] : ['webgl', 'wasm']) as readonly BackendName[],
    repeats = 3,
    now = () => performance.now(),
    ...backendOptions
  } = options;
  checkNumber('useFastestBackend option repeats', repeats, { integer: true, min: 1 });
  const list: readonly BackendName[] = candidates;
  if (!Array.isArray(candidates) || list.length === 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'useFastestBackend option candidates must be a non-empty array of backend names',
    );
  }
  const names = BACKEND_CHOICES.filter((c): c is BackendName => c !== 'auto');
  for (const c of list) checkOneOf('useFastestBackend candidate', c, names);
  if (typeof now !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `useFastestBackend option now must be a function, got ${typeof now}`,
    );
  }
  const timings: Partial<Record<BackendName, number>> = {};
  const failures: Partial<Record<BackendName, string>> = {};
  for (const name of list) {
    try {
      await useBackend(name, backendOptions);
      await probe();
      const times: number[] = [];
      for (let i = 0; i < repeats; i++) {
        const t0 = now();
        await probe();
        times.push(now() - t0);
      }
      timings[name] = median(times);
    } catch (e) {
      failures[name] = e instanceof Error ? e.message : String(e);
    }
  }
  let best: BackendName | undefined;
  for (const name of list) {
    const t = timings[name];
    if (t !== undefined && (best === undefined || t < (timings[best] as number))) best = name;
  }
  if (best === undefined) {
    const why = Object.entries(failures)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ');
    throw new SteadygradError(
      'BACKEND_UNAVAILABLE',
      `useFastestBackend: no candidate ran the probe (${why})`,
    );
  }
  const info = await useBackend(best, backendOptions);
  await tf.ready();
  return { ...info, timings, failures };
}
