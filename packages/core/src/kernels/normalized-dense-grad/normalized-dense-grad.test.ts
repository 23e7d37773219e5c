import '@tensorflow/tfjs-backend-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { type Tensor, tf } from '../../tf.js';
import { runHostKernel } from '../runtime/host-kernel.js';
import { setHostSimdEnabled } from '../runtime/simd-module.js';
import {
  normalizedDenseParamGradKernel,
  normalizedRowsKernel,
  normalizedTransposeKernel,
} from './normalized-dense-grad.js';

// The host kernels of normalization's BatchNormalization → Dense fused op (its own tests: normalization's
// bn-dense-op.test.ts).

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('normalized-dense kernels: the WebAssembly SIMD loops equal the JavaScript loops bit for bit', () => {
  const bits = (t: Tensor) => {
    const a = t.dataSync() as Float32Array;
    return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
  };
  const both = (f: () => Tensor[]) => {
    const run = (on: boolean) => {
      setHostSimdEnabled(on);
      const outs = f();
      const v = outs.map(bits);
      tf.dispose(outs);
      return v;
    };
    try {
      return { simd: run(true), js: run(false) };
    } finally {
      setHostSimdEnabled(true);
    }
  };
  for (const [rows, cols] of [
    [1, 4],
    [8, 12],
    [96, 784],
    [5, 10],
  ] as const) {
    it(`x̂ᵀ of [${rows}, ${cols}]`, async () => {
      await tf.setBackend('wasm');
      const x = tf.randomNormal([rows, cols], 3, 2, 'float32', 31);
      const mean = tf.mean(x, 0);
      const inv = tf.randomUniform([cols], 0.5, 2, 'float32', 32);
      const { simd, js } = both(() => runHostKernel(normalizedTransposeKernel, { x, mean, inv }, {}));
      expect(simd).toEqual(js);
      if (rows > 1) expect(simd[0]!.some((v) => v !== 0)).toBe(true); // one row normalizes to zeros
      tf.dispose([x, mean, inv]);
    });
    it(`x̂ of [${rows}, ${cols}] (row-major), and it is x̂ᵀ transposed bit for bit`, async () => {
      await tf.setBackend('wasm');
      const x = tf.randomNormal([rows, cols], 3, 2, 'float32', 33);
      const mean = tf.mean(x, 0);
      const inv = tf.randomUniform([cols], 0.5, 2, 'float32', 34);
      const { simd, js } = both(() => runHostKernel(normalizedRowsKernel, { x, mean, inv }, {}));
      expect(simd).toEqual(js);
      const transposed = tf.tidy(() =>
        tf.transpose(runHostKernel(normalizedTransposeKernel, { x, mean, inv }, {})[0] as Tensor),
      );
      expect(simd[0]).toEqual(bits(transposed));
      if (rows > 1) expect(simd[0]!.some((v) => v !== 0)).toBe(true);
      tf.dispose([x, mean, inv, transposed]);
    });
  }
  for (const [C, N, affine] of [
    [784, 300, true],
    [12, 8, false],
    [10, 6, true],
  ] as const) {
    it(`parameter gradients [${C}, ${N}]${affine ? '' : ' without γ, β'}${N % 4 === 0 ? '' : ' (N not a multiple of 4: JavaScript only)'}`, async () => {
      await tf.setBackend('wasm');
      const m = tf.randomNormal([C, N], 0, 1, 'float32', 41);
      const w = tf.randomNormal([C, N], 0, 0.1, 'float32', 42);
      const s = tf.randomNormal([N], 0, 1, 'float32', 43);
      const gamma = affine ? tf.randomUniform([C], 0.5, 1.5, 'float32', 44) : undefined;
      const beta = affine ? tf.randomNormal([C], 0, 1, 'float32', 45) : undefined;
      const { simd, js } = both(() =>
        runHostKernel(normalizedDenseParamGradKernel, { m, kernel: w, s, gamma, beta }, {}),
      );
      expect(simd).toEqual(js);
      expect(simd[1]!.some((v) => v !== 0)).toBe(true);
      tf.dispose([m, w, s, ...(gamma === undefined ? [] : [gamma, beta as Tensor])]);
    });
  }
});
