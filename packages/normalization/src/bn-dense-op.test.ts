import '@tensorflow/tfjs-backend-wasm';
import { RandomStream, registerGradients, setHostSimdEnabled, type Tensor, tf } from '@steadygrad/core';
import type { AffineActivation } from '@steadygrad/core/kernels';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizedDenseAvailable, normalizedDenseForward } from './bn-dense-op.js';

type Activation = (z: Tensor) => Tensor;

const EPS = 1e-3;
const MOMENTUM = 0.9;

/** Batch normalization (Keras 3 training formulas, autodiff) then the plain Dense computation. */
function reference(x: Tensor, gamma: Tensor, beta: Tensor, w: Tensor, b: Tensor, act: Activation): Tensor {
  const { mean, variance } = tf.moments(x, [0]);
  const y0 = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, EPS))), gamma), beta);
  return act(tf.add(tf.matMul(y0, w), b));
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(
      worst,
      Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number)),
    );
  }
  return worst;
}

beforeAll(() => registerGradients());
afterAll(async () => {
  await tf.setBackend('cpu');
});

const CASES: [AffineActivation, Activation][] = [
  ['relu', (z) => tf.relu(z)],
  ['softmax', (z) => tf.softmax(z)],
];

// wasm twice: with WebAssembly SIMD (hostMatMul, x̂ row-major) and without (tfjs's matMul on x̂ᵀ).
for (const [backend, simd] of [
  ['cpu', true],
  ['wasm', true],
  ['wasm', false],
] as const) {
  const label = backend === 'wasm' ? `wasm ${simd ? 'with' : 'without'} SIMD` : backend;
  describe(`normalizedDenseForward on ${label} against batch norm + Dense by autodiff`, () => {
    beforeEach(() => setHostSimdEnabled(simd));
    afterEach(() => setHostSimdEnabled(true));
    for (const [name, act] of CASES) {
      for (const rows of [8, 96]) {
        it(`${name}, batch ${rows}: output, gradients of γ, β, W, b and x, moving statistics`, async () => {
          await tf.setBackend(backend);
          await tf.ready();
          expect(normalizedDenseAvailable()).toBe(true);
          const rng = new RandomStream(9);
          const [C, N] = [10, 6];
          const normal = (shape: number[], scale = 1, shift = 0) =>
            tf.tensor(
              rng.fillNormal(shape.reduce((p, q) => p * q, 1)).map((v) => v * scale + shift),
              shape,
            );
          const x = normal([rows, C], 3, 5); // far from zero: the variance must still be exact
          const gamma = tf.variable(normal([C], 0.2, 1));
          const beta = tf.variable(normal([C]));
          const w = tf.variable(normal([C, N], 0.5));
          const b = tf.variable(normal([N], 0.1));
          const r = normal([rows, N]);
          const mean = tf.variable(tf.zeros([C]));
          const variance = tf.variable(tf.ones([C]));
          const vars = [gamma, beta, w, b];
          const before = tf.memory().numTensors;
          const fused = (xx: Tensor) =>
            normalizedDenseForward(
              xx,
              { epsilon: EPS, gamma, beta, moving: { mean, variance, momentum: MOMENTUM } },
              w,
              b,
              name,
            );
          const loss = (f: (xx: Tensor) => Tensor) => () => tf.sum(tf.mul(f(x), r)) as tf.Scalar;
          const gF = tf.variableGrads(loss(fused), vars);
          const gR = tf.variableGrads(
            loss((xx) => reference(xx, gamma, beta, w, b, act)),
            vars,
          );
          expect(
            maxRelDiff(gF.value.dataSync() as Float32Array, gR.value.dataSync() as Float32Array),
          ).toBeLessThan(1e-5);
          for (const v of vars) {
            const a = gF.grads[v.name]!.dataSync() as Float32Array;
            expect(maxRelDiff(a, gR.grads[v.name]!.dataSync() as Float32Array)).toBeLessThan(1e-4);
            expect(a.some((z) => z !== 0)).toBe(true);
          }
          // Moving statistics: one Keras-momentum update from (0, 1) with the biased batch statistics.
          const { mean: bm, variance: bv } = tf.moments(x, [0]);
          const expMean = (bm.dataSync() as Float32Array).map((m) => m * (1 - MOMENTUM));
          const expVar = (bv.dataSync() as Float32Array).map((v) => MOMENTUM + v * (1 - MOMENTUM));
          expect(maxRelDiff(mean.dataSync() as Float32Array, expMean)).toBeLessThan(1e-5);
          expect(maxRelDiff(variance.dataSync() as Float32Array, expVar)).toBeLessThan(1e-5);
          // The input gradient, when asked for.
          const dxF = tf.grad((xx: Tensor) => tf.sum(tf.mul(fused(xx), r)))(x);
          const dxR = tf.grad((xx: Tensor) => tf.sum(tf.mul(reference(xx, gamma, beta, w, b, act), r)))(x);
          expect(maxRelDiff(dxF.dataSync() as Float32Array, dxR.dataSync() as Float32Array)).toBeLessThan(
            1e-4,
          );
          tf.dispose([
            gF.value,
            gR.value,
            ...Object.values(gF.grads),
            ...Object.values(gR.grads),
            bm,
            bv,
            dxF,
            dxR,
          ]);
          expect(tf.memory().numTensors).toBe(before);
          tf.dispose([x, r, mean, variance, ...vars]);
        });
      }
    }
  });
}
