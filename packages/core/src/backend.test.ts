import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from './backend.js';
import { SteadygradError } from './errors.js';

describe('useBackend', () => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('selects a registered backend without loading anything', async () => {
    const info = await useBackend('cpu', { load: () => Promise.reject(new Error('must not load')) });
    expect(info).toEqual({ requested: 'cpu', name: 'cpu', packageName: undefined, relaxedSimd: false });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects unknown backends, listing the valid ones', async () => {
    await expect(useBackend('gpu' as never)).rejects.toThrow(
      `backend must be one of 'auto', 'cpu', 'wasm', 'webgl', 'tensorflow', got "gpu"`,
    );
  });

  it('reports a missing backend package with how to install it', async () => {
    const err = await useBackend('webgl', {
      load: (p) => Promise.reject(new Error(`Cannot find package '${p}'`)),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SteadygradError);
    expect((err as SteadygradError).code).toBe('BACKEND_UNAVAILABLE');
    expect((err as SteadygradError).message).toMatch(/install '@tensorflow\/tfjs-backend-webgl'/);
  });

  it('in a browser, the error says to import the backend statically', async () => {
    const g = globalThis as { window?: unknown };
    g.window = {};
    try {
      const load = (p: string) => Promise.reject(new Error(`Failed to resolve module specifier '${p}'`));
      const err = await useBackend('webgl', { load }).catch((e: unknown) => e);
      expect((err as SteadygradError).code).toBe('BACKEND_UNAVAILABLE');
      expect((err as SteadygradError).message).toBe(
        "backend 'webgl' is not available: in a browser app, import the backend statically: add " +
          "`import '@tensorflow/tfjs-backend-webgl';` to your app's entry (install '@tensorflow/tfjs-backend-webgl' " +
          "with npm, same version as @tensorflow/tfjs-core); useBackend('webgl') then selects it. Tried: " +
          "@tensorflow/tfjs-backend-webgl: Failed to resolve module specifier '@tensorflow/tfjs-backend-webgl'",
      );
      if (tf.findBackendFactory('tensorflow') !== null) {
        // Backend-specific (the suite's tensorflow pass, STEADYGRAD_TEST_BACKEND=tensorflow): tfjs-node registered
        // its backend in this process before any test, so useBackend('tensorflow') selects it without loading a
        // package and the browser error cannot arise. That case is asserted instead (the cpu pass checks the
        // message).
        const info = await useBackend('tensorflow', { load });
        expect(info).toMatchObject({ name: 'tensorflow', packageName: undefined });
        await tf.setBackend('cpu');
      } else {
        const tfn = await useBackend('tensorflow', { load }).catch((e: unknown) => e);
        expect((tfn as SteadygradError).message).toMatch(
          /runs only in Node; in a browser choose 'webgl', 'wasm' or 'cpu'/,
        );
      }
    } finally {
      delete g.window;
    }
    expect(tf.getBackend()).toBe('cpu');
  });

  it('tensorflowThreads: a bad count is INVALID_ARGUMENT; a failed load leaves the environment as it was', async () => {
    const key = 'TF_NUM_INTRAOP_THREADS';
    const before = process.env[key];
    for (const bad of [0, 1.5, -1, '2']) {
      const err = await useBackend('cpu', { tensorflowThreads: bad as never }).catch((e: unknown) => e);
      expect((err as SteadygradError).code).toBe('INVALID_ARGUMENT');
      expect((err as SteadygradError).message).toBe(
        `useBackend option tensorflowThreads must be an integer >= 1, got ${typeof bad === 'string' ? `"${bad}"` : bad}`,
      );
    }
    const load = (p: string) => Promise.reject(new Error(`Cannot find package '${p}'`));
    const err = await useBackend('tensorflow', { tensorflowThreads: 3, load }).catch((e: unknown) => e);
    if (tf.findBackendFactory('tensorflow') !== null) {
      // Backend-specific (the suite's tensorflow pass): tfjs-node is already loaded with TensorFlow's default
      // pool, so another size is refused before anything happens.
      expect((err as SteadygradError).code).toBe('INVALID_ARGUMENT');
      expect((err as SteadygradError).message).toMatch(
        /already loaded in this process with its default thread pool/,
      );
    } else {
      expect((err as SteadygradError).code).toBe('BACKEND_UNAVAILABLE');
    }
    expect(process.env[key]).toBe(before);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('rejects a relaxedSimd option that is not a boolean', async () => {
    const err = await useBackend('cpu', { relaxedSimd: 'yes' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SteadygradError);
    expect((err as SteadygradError).code).toBe('INVALID_ARGUMENT');
    expect((err as SteadygradError).message).toBe(
      'useBackend option relaxedSimd must be a boolean, got "yes"',
    );
  });

  it("'auto' in Node falls back from tensorflow to wasm", async () => {
    // Backend-specific (the suite's tensorflow pass, STEADYGRAD_TEST_BACKEND=tensorflow): tfjs-node is loaded and
    // its backend registered in this process before any test, so 'auto' takes `tensorflow` without loading a
    // package and there is nothing to fall back from. That case is asserted instead.
    if (tf.findBackendFactory('tensorflow') !== null) {
      const loads: string[] = [];
      const info = await useBackend('auto', { load: async (p) => loads.push(p) });
      expect(loads).toEqual([]);
      expect(info).toMatchObject({ name: 'tensorflow', packageName: undefined, relaxedSimd: false });
      return;
    }
    const loaded: string[] = [];
    // relaxedSimd: false keeps V8's flags as they are for the other test files of this process; the default
    // (which may set one) is tested in plain Node (test/plain-node.test.ts).
    const info = await useBackend('auto', {
      relaxedSimd: false,
      load: async (p) => {
        loaded.push(p);
        if (p.includes('tfjs-node')) throw new Error(`Cannot find package '${p}'`);
        return import('@tensorflow/tfjs-backend-wasm');
      },
    });
    expect(loaded.slice(0, 2)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    expect(info.name).toBe('wasm');
  });
});
