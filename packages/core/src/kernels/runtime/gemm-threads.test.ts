import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSteadygradError } from '../../errors.js';
import { type MatMulCase, values } from '../../test-utils/mat-mul-cases.js';
import { hostMatMul } from '../mat-mul/mat-mul.js';
import {
  gemmWorkerUrl,
  hostThreads,
  MIN_THREADED_MACS,
  setHostThreads,
  threadedProducts,
} from './gemm-threads.js';
import { setHostSimdEnabled } from './simd-module.js';

/** `hostMatMul`'s output bits, and whether the product was split over threads. */
function product(c: MatMulCase, seed: number): { bits: Uint32Array; threaded: boolean } {
  const a = values(c.m * c.k, seed);
  const b = values(c.k * c.n, seed + 1);
  const bias = c.bias ? values(c.n, seed + 2) : undefined;
  const before = threadedProducts();
  const out = tf.tidy(() =>
    hostMatMul(tf.tensor2d(a, c.transposeA ? [c.k, c.m] : [c.m, c.k]), tf.tensor2d(b, [c.k, c.n]), {
      transposeA: c.transposeA,
      bias: bias === undefined ? undefined : tf.tensor1d(bias),
      relu: c.relu,
    }),
  );
  const v = out.dataSync() as Float32Array;
  out.dispose();
  return {
    bits: new Uint32Array(v.buffer, v.byteOffset, v.length).slice(),
    threaded: threadedProducts() > before,
  };
}

function differing(a: Uint32Array, b: Uint32Array): number {
  expect(a.length).toBe(b.length);
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

/** Splits products from this size on in these tests (the default, MIN_THREADED_MACS, is 4x larger). */
const MIN = 1 << 21;

// Large enough to be split (m·n·k ≥ MIN): the seed's batch-256 and batch-32 products, both layouts
// of A, row counts that leave a share with a tail (m mod 4) or no rows at all, column tails (n mod 8, n mod 4).
const CASES: MatMulCase[] = [
  { m: 256, k: 784, n: 300, transposeA: false, bias: true, relu: true },
  { m: 784, k: 256, n: 300, transposeA: true, bias: false, relu: false },
  { m: 784, k: 32, n: 300, transposeA: true, bias: false, relu: false },
  { m: 67, k: 700, n: 45, transposeA: false, bias: true, relu: false },
  { m: 130, k: 1000, n: 23, transposeA: true, bias: true, relu: true },
  { m: 5, k: 1500, n: 301, transposeA: false, bias: false, relu: true },
  { m: 9, k: 800, n: 302, transposeA: true, bias: true, relu: false },
];

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});
afterEach(async () => {
  setHostSimdEnabled(true);
  await setHostThreads(1);
});
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('the GEMM worker module', () => {
  it('is the built gemm-worker.js beside the built module, and the built one from src/ under vitest', () => {
    expect(gemmWorkerUrl('file:///p/core/dist/kernels/runtime/gemm-threads.js').href).toBe(
      'file:///p/core/dist/kernels/runtime/gemm-worker.js',
    );
    expect(gemmWorkerUrl('file:///p/core/src/kernels/runtime/gemm-threads.ts').href).toBe(
      'file:///p/core/dist/kernels/runtime/gemm-worker.js',
    );
    // This test runs from src/: the worker it starts is the package's built file.
    expect(gemmWorkerUrl().pathname).toMatch(/\/packages\/core\/dist\/kernels\/runtime\/gemm-worker\.js$/);
  });
});

describe('setHostThreads', () => {
  it('rejects a count that is not an integer from 1 to 64 with a typed error', async () => {
    for (const bad of [0, -1, 1.5, 65, Number.NaN, '2' as unknown as number]) {
      let caught: unknown;
      try {
        await setHostThreads(bad);
      } catch (e) {
        caught = e;
      }
      expect(isSteadygradError(caught, 'INVALID_ARGUMENT'), String(bad)).toBe(true);
      expect((caught as Error).message).toMatch(/^setHostThreads expects an integer from 1 to 64, got /);
    }
    for (const bad of [-1, Number.NaN, '5' as unknown as number]) {
      let caught: unknown;
      try {
        await setHostThreads(2, { minMultiplyAdds: bad });
      } catch (e) {
        caught = e;
      }
      expect(isSteadygradError(caught, 'INVALID_ARGUMENT'), String(bad)).toBe(true);
      expect((caught as Error).message).toMatch(
        /^setHostThreads expects minMultiplyAdds to be a number ≥ 0, got /,
      );
    }
    expect(hostThreads()).toBe(1);
  });

  it('starts and stops the workers; hostThreads reports the count', async () => {
    expect(hostThreads()).toBe(1);
    await setHostThreads(3);
    expect(hostThreads()).toBe(3);
    await setHostThreads(2);
    expect(hostThreads()).toBe(2);
    await setHostThreads(1);
    expect(hostThreads()).toBe(1);
    // Concurrent calls apply in order.
    const done = [setHostThreads(2), setHostThreads(4), setHostThreads(3)];
    await Promise.all(done);
    expect(hostThreads()).toBe(3);
  });
});

describe('hostMatMul split over threads', () => {
  it('gives the same bits as one thread on every case, with 2 and 3 threads, and as the JavaScript loop', async () => {
    for (const [idx, c] of CASES.entries()) {
      expect(c.m * c.n * c.k).toBeGreaterThanOrEqual(MIN);
      await setHostThreads(1);
      const one = product(c, 10 + idx);
      expect(one.threaded).toBe(false);
      for (const threads of [2, 3]) {
        await setHostThreads(threads, { minMultiplyAdds: MIN });
        const many = product(c, 10 + idx);
        expect(many.threaded, `${threads} threads ${JSON.stringify(c)}`).toBe(true);
        expect(differing(many.bits, one.bits), `${threads} threads ${JSON.stringify(c)}`).toBe(0);
      }
    }
    // The JavaScript reference loop, for the two shapes of the seed at batch 32.
    for (const idx of [2, 5]) {
      const c = CASES[idx] as MatMulCase;
      await setHostThreads(2, { minMultiplyAdds: MIN });
      const threaded = product(c, 10 + idx);
      setHostSimdEnabled(false);
      const js = product(c, 10 + idx);
      expect(js.threaded).toBe(false);
      expect(differing(threaded.bits, js.bits), JSON.stringify(c)).toBe(0);
      setHostSimdEnabled(true);
    }
  });

  it('keeps products under minMultiplyAdds (default MIN_THREADED_MACS) on the calling thread, and leaks no tensor', async () => {
    await setHostThreads(2);
    expect(MIN_THREADED_MACS).toBe(1 << 23);
    const before = tf.memory().numTensors;
    const batch32 = CASES[2] as MatMulCase; // 7.5M multiply-adds
    expect(product(batch32, 3).threaded).toBe(false);
    expect(product(CASES[0] as MatMulCase, 4).threaded).toBe(true); // 60M
    // The threshold can be changed without restarting the workers.
    await setHostThreads(2, { minMultiplyAdds: 1 << 22 });
    expect(product(batch32, 3).threaded).toBe(true);
    expect(product({ m: 32, k: 300, n: 100, transposeA: false, bias: true, relu: true }, 3).threaded).toBe(
      false,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('grows its shared memory (one page at the start) to what a product needs', async () => {
    await setHostThreads(2);
    const c: MatMulCase = { m: 512, k: 1024, n: 520, transposeA: false, bias: true, relu: false };
    const many = product(c, 5);
    expect(many.threaded).toBe(true);
    await setHostThreads(1);
    expect(differing(many.bits, product(c, 5).bits)).toBe(0);
  });
});
