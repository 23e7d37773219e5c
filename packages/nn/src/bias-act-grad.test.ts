import '@tensorflow/tfjs-backend-wasm';
import { linear, relu, softmax } from '@steadygrad/activations';
import {
  type Activation,
  RandomStream,
  registerGradients,
  runHostKernel,
  setHostSimdEnabled,
  type Tensor,
  tf,
} from '@steadygrad/core';
import {
  biasActGradKernel,
  denseForward,
  denseReference,
  type FusedActivation,
} from '@steadygrad/core/kernels';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const CASES: readonly [string, Activation, FusedActivation, Activation | undefined][] = [
  ['linear', linear, 'linear', undefined],
  ['relu', relu, 'relu', undefined],
  ['softmax', softmax(), 'linear', softmax()],
];

function randomTensor(rng: RandomStream, shape: number[]): Tensor {
  return tf.tensor(rng.fillNormal(shape.reduce((a, b) => a * b, 1)), shape);
}

async function valueAndGrads(
  f: (x: Tensor, w: Tensor, b: Tensor | undefined) => Tensor,
  x: Tensor,
  w: Tensor,
  b: Tensor | undefined,
  r: Tensor,
): Promise<{ y: Float32Array; grads: Float32Array[] }> {
  const y = tf.tidy(() => f(x, w, b));
  const yv = (await y.data()) as Float32Array;
  y.dispose();
  const inputs = b === undefined ? [x, w] : [x, w, b];
  const grads = tf.grads((...args: Tensor[]) =>
    tf.sum(tf.mul(f(args[0] as Tensor, args[1] as Tensor, args[2]), r)),
  )(inputs);
  const gv = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose(grads);
  return { y: yv, grads: gv };
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(b[i] as number)),
    );
  }
}

beforeAll(() => {
  registerGradients();
});

// wasm runs twice: with WebAssembly SIMD (core's hostMatMul does every matmul) and without (tfjs's MatMul).
for (const [backend, simd] of [
  ['cpu', true],
  ['wasm', true],
  ['wasm', false],
] as const) {
  const label = backend === 'wasm' ? `wasm ${simd ? 'with' : 'without'} SIMD` : backend;
  describe(`optimized Dense (host bias/activation gradient kernel) on ${label} equals the autodiff reference`, () => {
    beforeEach(async () => {
      await tf.setBackend(backend);
      setHostSimdEnabled(simd);
    });
    afterEach(() => setHostSimdEnabled(true));
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    // [3, 40] @ [40, 30]: small batch, dX = (W·dZᵀ)ᵀ; [24, 5] @ [5, 4]: dX = dZ·Wᵀ.
    for (const [m, k, n] of [
      [3, 40, 30],
      [24, 5, 4],
    ] as const) {
      for (const [name, activation, fused, post] of CASES) {
        for (const withBias of [true, false]) {
          it(`[${m}, ${k}] @ [${k}, ${n}], ${name}, ${withBias ? 'with' : 'without'} bias`, async () => {
            await tf.setBackend(backend);
            await tf.ready();
            const rng = new RandomStream(11);
            const x = randomTensor(rng, [m, k]);
            const w = randomTensor(rng, [k, n]);
            const b = withBias ? randomTensor(rng, [n]) : undefined;
            const r = randomTensor(rng, [m, n]);
            const before = tf.memory().numTensors;
            const fast = await valueAndGrads(
              (xx, ww, bb) => denseForward(xx, ww, bb, fused, post),
              x,
              w,
              b,
              r,
            );
            const ref = await valueAndGrads(
              (xx, ww, bb) => denseReference(xx, ww, bb, activation),
              x,
              w,
              b,
              r,
            );
            expect(tf.memory().numTensors).toBe(before);
            expectClose(fast.y, ref.y, 1e-5);
            expect(fast.grads.length).toBe(withBias ? 3 : 2);
            fast.grads.forEach((g, i) => {
              expectClose(g, ref.grads[i] as Float32Array, 1e-4);
            });
            expect(fast.grads.every((g) => g.some((v) => v !== 0))).toBe(true);
            tf.dispose([x, w, r]);
            b?.dispose();
          });
        }
      }
    }

    it('the forward kernel: one hostMatMul on wasm with SIMD, Wᵀ·xᵀ + one host epilogue without, _FusedMatMul on cpu; equals the reference', async () => {
      await tf.setBackend(backend);
      const rng = new RandomStream(9);
      const x = randomTensor(rng, [4, 50]);
      const w = randomTensor(rng, [50, 20]);
      const b = randomTensor(rng, [20]);
      const before = tf.memory().numTensors;
      let taped: Tensor | undefined;
      const profile = await tf.profile(() => {
        const g = tf.grad((xx: Tensor) => {
          const y = denseForward(xx, w, b, 'relu', undefined);
          taped = tf.keep(tf.clone(y));
          return tf.sum(y);
        })(x);
        g.dispose();
      });
      const names = profile.kernels.map((k) => k.name);
      // wasm's MatMul re-packs a new weight operand on every call; cpu's does not, and keeps the fused kernel.
      if (backend === 'wasm' && simd) {
        // forward (product, bias, relu) and dX = dZ·Wᵀ
        expect(names.filter((nm) => nm === 'SteadygradMatMul').length).toBe(2);
        expect(names).not.toContain('SteadygradTransposeBiasAct');
        expect(names).not.toContain('BatchMatMul');
        expect(names).not.toContain('_FusedMatMul');
      } else if (backend === 'wasm') {
        expect(names).toContain('SteadygradTransposeBiasAct');
        expect(names).not.toContain('_FusedMatMul');
      } else {
        expect(names).toContain('_FusedMatMul');
      }
      const ref = tf.tidy(() => denseReference(x, w, b, relu));
      expectClose((await (taped as Tensor).data()) as Float32Array, (await ref.data()) as Float32Array, 1e-5);
      // Inference: one kernel (hostMatMul on wasm with SIMD, the fused matmul otherwise).
      const inferProfile = await tf.profile(() =>
        tf.tidy(() => denseForward(x, w, b, 'relu', undefined)).dispose(),
      );
      const compute = inferProfile.kernels
        .map((k) => k.name)
        .filter((nm) => nm !== 'Reshape' && nm !== 'unnamed scope');
      expect(compute).toEqual([backend === 'wasm' && simd ? 'SteadygradMatMul' : '_FusedMatMul']);
      tf.dispose([taped as Tensor, ref]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, w, b]);
    });

    it('a softmax output layer runs its softmax and backward as host kernels (no Exp/Max kernels)', async () => {
      await tf.setBackend(backend);
      const rng = new RandomStream(6);
      const x = randomTensor(rng, [32, 100]);
      const w = randomTensor(rng, [100, 10]);
      const b = randomTensor(rng, [10]);
      const act = softmax();
      const names = (
        await tf.profile(() => {
          const gs = tf.grads((a: Tensor, c: Tensor, d: Tensor) =>
            tf.sum(tf.mul(denseForward(a, c, d, 'linear', act), tf.range(0, 10))),
          )([x, w, b]);
          tf.dispose(gs);
        })
      ).kernels.map((k) => k.name);
      expect(names).toContain('SteadygradSoftmaxRows');
      expect(names).toContain('SteadygradSoftmaxBiasGrad');
      expect(names).not.toContain('Exp');
      expect(names).not.toContain('Max');
      tf.dispose([x, w, b]);
    });

    it('forward + backward: one host kernel for dZ and db, 3 matmuls (no transposed-flag matmul), no Step', async () => {
      await tf.setBackend(backend);
      const rng = new RandomStream(5);
      const x = randomTensor(rng, [3, 40]);
      const w = randomTensor(rng, [40, 30]);
      const b = randomTensor(rng, [30]);
      const profile = await tf.profile(() => {
        const gs = tf.grads((a: Tensor, c: Tensor, d: Tensor) =>
          tf.sum(denseForward(a, c, d, 'relu', undefined)),
        )([x, w, b]);
        tf.dispose(gs);
      });
      const names = profile.kernels.map((k) => k.name);
      expect(names.filter((nm) => nm === 'SteadygradBiasActGrad').length).toBe(1);
      // wasm with SIMD: three hostMatMul kernels; without: the forward is a plain (transposed) matmul too; cpu
      // keeps the _FusedMatMul forward.
      const plain = names.filter((nm) => nm === 'BatchMatMul').length;
      const host = names.filter((nm) => nm === 'SteadygradMatMul').length;
      expect([plain, host]).toEqual(backend === 'wasm' ? (simd ? [0, 3] : [3, 0]) : [2, 0]);
      expect(names).not.toContain('Step');
      tf.dispose([x, w, b]);
    });
  });
}

describe('bias/activation gradient kernel: the WebAssembly SIMD loop equals the JavaScript loop bit for bit', () => {
  for (const [rows, cols] of [
    [1, 4],
    [32, 300],
    [256, 100],
    [7, 10],
    [3, 3],
  ] as const) {
    for (const relu of [true, false]) {
      it(`[${rows}, ${cols}], ${relu ? 'relu' : 'linear'}`, async () => {
        await tf.setBackend('wasm');
        const dy = tf.randomNormal([rows, cols], 0, 1, 'float32', 21);
        const y = tf.tidy(() => tf.relu(tf.randomNormal([rows, cols], 0, 1, 'float32', 22)));
        const run = (simd: boolean) => {
          setHostSimdEnabled(simd);
          const outs = runHostKernel(biasActGradKernel, { dy, y }, { relu });
          const values = outs.map((t) => {
            const a = t.dataSync() as Float32Array;
            return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
          });
          tf.dispose(outs);
          return values;
        };
        try {
          const simd = run(true);
          const js = run(false);
          expect(simd).toEqual(js);
          expect(simd[1]!.some((v) => v !== 0)).toBe(true);
        } finally {
          setHostSimdEnabled(true);
          tf.dispose([dy, y]);
          await tf.setBackend('cpu');
        }
      });
    }
  }
});
