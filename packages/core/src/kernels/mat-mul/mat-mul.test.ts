import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isSteadygradError } from '../../errors.js';
import { type MatMulCase, values } from '../../test-utils/mat-mul-cases.js';
import { setHostSimdEnabled } from '../runtime/simd-module.js';
import { hostMatMul, hostMatMulAvailable } from './mat-mul.js';

/** The independent reference: float64 sums (not the kernel's float32 order). */
function reference(
  a: Float32Array,
  b: Float32Array,
  m: number,
  k: number,
  n: number,
  transposeA: boolean,
  bias?: Float32Array,
  relu = false,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let q = 0; q < k; q++) {
        s += (a[transposeA ? q * m + i : i * k + q] as number) * (b[q * n + j] as number);
      }
      if (bias !== undefined) s += bias[j] as number;
      out[i * n + j] = relu && !(s > 0) ? 0 : s;
    }
  }
  return out;
}

function run(c: MatMulCase, seed: number): { got: Float32Array; want: Float64Array } {
  const a = values(c.m * c.k, seed);
  const b = values(c.k * c.n, seed + 1);
  const bias = c.bias ? values(c.n, seed + 2) : undefined;
  const got = tf.tidy(() =>
    hostMatMul(tf.tensor2d(a, c.transposeA ? [c.k, c.m] : [c.m, c.k]), tf.tensor2d(b, [c.k, c.n]), {
      transposeA: c.transposeA,
      bias: bias === undefined ? undefined : tf.tensor1d(bias),
      relu: c.relu,
    }),
  );
  expect(got.shape).toEqual([c.m, c.n]);
  const out = got.dataSync() as Float32Array;
  got.dispose();
  return { got: out, want: reference(a, b, c.m, c.k, c.n, c.transposeA, bias, c.relu) };
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

// Every row tail (m mod 4) and column tail (n mod 8), both layouts of a, with and without bias and relu.
const CASES: MatMulCase[] = [];
for (const m of [1, 4, 6, 13]) {
  for (const n of [1, 3, 4, 8, 10, 21]) {
    for (const transposeA of [false, true]) {
      CASES.push({ m, k: 7, n, transposeA, bias: (m + n) % 2 === 0, relu: n % 3 === 0 });
    }
  }
}
CASES.push({ m: 32, k: 784, n: 300, transposeA: false, bias: true, relu: true });
CASES.push({ m: 784, k: 32, n: 300, transposeA: true, bias: false, relu: false });
CASES.push({ m: 5, k: 1, n: 9, transposeA: false, bias: true, relu: false });

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});
afterEach(() => setHostSimdEnabled(true));
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('hostMatMul on wasm (WebAssembly SIMD)', () => {
  it('is available on wasm with SIMD, not without', () => {
    expect(hostMatMulAvailable()).toBe(true);
    setHostSimdEnabled(false);
    expect(hostMatMulAvailable()).toBe(false);
  });

  it('matches float64 sums within float32 rounding on every tile shape', () => {
    CASES.forEach((c, idx) => {
      const { got, want } = run(c, 100 + idx);
      let worst = 0;
      for (let i = 0; i < want.length; i++) {
        const scale = Math.max(1, Math.sqrt(c.k));
        worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)) / scale);
      }
      expect(worst, JSON.stringify(c)).toBeLessThan(4e-7 * Math.sqrt(c.k) + 1e-7);
    });
  });

  it('gives the same bits as the JavaScript loop (SIMD tiles, tails and scalar columns)', () => {
    CASES.forEach((c, idx) => {
      setHostSimdEnabled(true);
      const simd = run(c, 200 + idx).got;
      setHostSimdEnabled(false);
      const js = run(c, 200 + idx).got;
      const a = bits(simd);
      const b = bits(js);
      let differing = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
      expect(differing, JSON.stringify(c)).toBe(0);
    });
  });

  it('relu keeps NaN (as tf.relu, Keras and PyTorch) and maps −0 and negatives to +0, vector and scalar paths', () => {
    // 9 columns: 8 through the vector tiles' epilogue, the last through the scalar tail loop; NaN and ∞ in A
    // make whole rows non-finite (∞·0 is NaN, −∞ relu is 0).
    const col = [Number.NaN, -0, 1, -1, 2, 0.5, 0, Number.NEGATIVE_INFINITY];
    const ones = Array.from({ length: 9 }, () => 1);
    for (const simd of [true, false]) {
      setHostSimdEnabled(simd);
      for (const bias of [undefined, -0]) {
        const out = tf.tidy(() =>
          hostMatMul(tf.tensor2d(col, [8, 1]), tf.tensor2d(ones, [1, 9]), {
            relu: true,
            ...(bias === undefined ? {} : { bias: tf.fill([9], bias) }),
          }),
        );
        const v = Array.from(out.dataSync());
        out.dispose();
        const want = [Number.NaN, 0, 1, 0, 2, 0.5, 0, 0];
        for (let r = 0; r < 8; r++) {
          for (let j = 0; j < 9; j++) {
            const got = v[r * 9 + j] as number;
            if (Number.isNaN(want[r] as number)) expect(got, `simd ${simd} row ${r} col ${j}`).toBeNaN();
            else expect(Object.is(got, want[r]), `simd ${simd} row ${r} col ${j}: ${got}`).toBe(true);
          }
        }
      }
    }
  });

  it('agrees with tfjs matMul (which sums in another order) within 1e-5, and leaks nothing', () => {
    const before = tf.memory().numTensors;
    const worstT = tf.tidy(() => {
      const a = tf.tensor2d(values(64 * 96, 7), [64, 96]);
      const b = tf.tensor2d(values(96 * 40, 8), [96, 40]);
      const aT = tf.tensor2d(values(64 * 96, 9), [96, 64]);
      const plain = tf.max(tf.abs(tf.sub(hostMatMul(a, b), tf.matMul(a, b))));
      const flagged = tf.max(tf.abs(tf.sub(hostMatMul(aT, b, { transposeA: true }), tf.matMul(aT, b, true))));
      return tf.stack([plain, flagged]);
    });
    const worst = worstT.dataSync();
    worstT.dispose();
    expect(worst[0]).toBeLessThan(1e-5);
    expect(worst[1]).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects mismatched shapes with a typed error', () => {
    const a = tf.zeros([3, 4]);
    const b = tf.zeros([5, 2]);
    let caught: unknown;
    try {
      hostMatMul(a, b);
    } catch (e) {
      caught = e;
    }
    expect(isSteadygradError(caught) && caught.code).toBe('SHAPE_MISMATCH');
    expect((caught as Error).message).toMatch(/inner sizes differ: a \[3, 4\] times b \[5, 2\]/);
    const before = tf.memory().numTensors;
    expect(() => tf.tidy(() => hostMatMul(a, tf.zeros([4, 2]), { bias: tf.zeros([3]) }))).toThrow(
      /bias must be \[2\]/,
    );
    const ints = tf.zeros([4, 2], 'int32');
    let dtypeError: unknown;
    try {
      hostMatMul(a, ints);
    } catch (e) {
      dtypeError = e;
    }
    expect(isSteadygradError(dtypeError) && dtypeError.code).toBe('DTYPE_MISMATCH');
    expect((dtypeError as Error).message).toBe("hostMatMul: 'b' must be float32, got int32");
    expect(() => tf.tidy(() => hostMatMul(tf.zeros([2, 3, 4]), b))).toThrow(
      /rank-2 operands, got a \[2, 3, 4\]/,
    );
    ints.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });
});
