// A container's plan runs a training-mode BatchNormalization followed by a Dense layer as one op (the
// BatchNormalization → Dense rule, bn-dense-rule.ts). These tests pin that fused path against the two layers
// applied one after the other.
import '@tensorflow/tfjs-backend-wasm';
import { RandomStream, registerGradients, setHostSimdEnabled, type Tensor, tf } from '@steadygrad/core';
import { type Container, Dense, InputLayer, input, type Layer, Model, Sequential } from '@steadygrad/nn';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { setBatchNormImplementation } from './batch-norm-implementation.js';
import { BatchNormalization } from './batch-normalization.js';

type Build = () => Layer[];

const MODELS: Record<string, Build> = {
  // The seed's cell 5 shape: BN on the input (no input gradient needed), then BN → Dense pairs deeper in.
  'input BN → Dense relu → BN → Dense softmax': () => [
    new BatchNormalization(),
    new Dense({ units: 7, activation: 'relu', kernelInitializer: 'he_normal' }),
    new BatchNormalization(),
    new Dense({ units: 4, activation: 'softmax' }),
  ],
  'without center/scale, linear Dense without bias': () => [
    new BatchNormalization({ center: false, scale: false }),
    new Dense({ units: 6, useBias: false }),
    new Dense({ units: 3, activation: 'softmax' }),
  ],
  'pair in the middle (its input gradient is needed)': () => [
    new Dense({ units: 9, activation: 'relu' }),
    new BatchNormalization(),
    new Dense({ units: 5, activation: 'relu' }),
    new Dense({ units: 3, activation: 'softmax' }),
  ],
};

function model(build: Build, inputDim: number): Sequential {
  const layers = build();
  const m = new Sequential(layers, { seed: 11 });
  m.build([null, inputDim]);
  return m;
}

/** The same chain as a functional model (same seed: the same weights). */
function functional(build: Build, inputDim: number): Model {
  const x = input({ shape: [inputDim] });
  const y = build().reduce((h, layer) => layer.apply(h), x);
  return new Model({ inputs: x, outputs: y, seed: 11 });
}

/** The layers applied one after the other (no fusion). */
function unfused(m: Container, x: Tensor): Tensor {
  let h = x;
  for (const layer of m.layers.filter((l) => !(l instanceof InputLayer))) {
    const next = layer.apply(h, { training: true });
    if (h !== x) h.dispose();
    h = next;
  }
  return h;
}

interface Step {
  y: Float32Array;
  grads: Float32Array[];
  moving: Float32Array[];
  dx: Float32Array;
}

/** One training-mode forward + backward: output, gradients of every trainable parameter, moving statistics. */
function step(m: Container, x: Tensor, r: Tensor, forward: (x: Tensor) => Tensor): Step {
  const saved = m.getWeights();
  const vars = m.trainableParameters.map((p) => p.variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(forward(x), r)) as tf.Scalar, vars);
  value.dispose();
  const moving = m.parameters
    .filter((p) => p.name.includes('moving'))
    .map((p) => p.variable.dataSync() as Float32Array);
  m.setWeights(saved);
  // The input gradient (saliency-style use): the fused op must then form dx exactly as the unfused layers.
  const dxT = tf.grad((xx: Tensor) => tf.sum(tf.mul(forward(xx), r)))(x);
  m.setWeights(saved);
  const y = tf.tidy(() => forward(x));
  m.setWeights(saved);
  tf.dispose(saved);
  const out = {
    y: y.dataSync() as Float32Array,
    grads: vars.map((v) => grads[v.name]!.dataSync() as Float32Array),
    moving,
    dx: dxT.dataSync() as Float32Array,
  };
  tf.dispose([y, dxT, ...Object.values(grads)]);
  return out;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] as number) - (b[i] as number)) / Math.max(1, Math.abs(b[i] as number));
    worst = Math.max(worst, d);
  }
  expect(worst, what).toBeLessThanOrEqual(tol);
}

beforeAll(() => registerGradients());
afterAll(async () => {
  await tf.setBackend('cpu');
});

for (const [backend, kind] of [
  ['wasm', 'Sequential'],
  ['cpu', 'Sequential'],
  ['wasm', 'Model'],
] as const) {
  describe(`BatchNormalization → Dense fused in ${kind} on ${backend}`, () => {
    for (const [name, build] of Object.entries(MODELS)) {
      // 8 rows with host SIMD off on wasm: the unfused backward without the normalization's dx (small batches
      // without SIMD); otherwise the fused M = x̂ᵀ·dZ backward.
      for (const [rows, simd] of [
        [8, true],
        [96, true],
        [8, false],
      ] as const) {
        it(`${name}, batch ${rows}${simd ? '' : ', host SIMD off'}: same output, parameter gradients, moving statistics and input gradient`, async () => {
          await tf.setBackend(backend);
          await tf.ready();
          setHostSimdEnabled(simd);
          onTestFinished(() => setHostSimdEnabled(true));
          const rng = new RandomStream(5);
          const inputDim = 12;
          const x = tf.tensor2d(
            rng.fillNormal(rows * inputDim).map((v, i) => v * 2 + (i % 3)),
            [rows, inputDim],
          );
          const m = kind === 'Sequential' ? model(build, inputDim) : functional(build, inputDim);
          expect(m.plan.filter((p) => p.rule?.name === 'BatchNormalization → Dense').length).toBe(
            m.layers.filter((l) => l instanceof BatchNormalization).length,
          );
          const units = m.outputShape?.[1] as number;
          const rr = tf.tensor2d(rng.fillNormal(rows * units), [rows, units]);
          const before = tf.memory().numTensors;
          const fused = step(m, x, rr, (xx) => m.apply(xx, { training: true }));
          const plain = step(m, x, rr, (xx) => unfused(m, xx));
          expect(tf.memory().numTensors).toBe(before);
          expectClose(fused.y, plain.y, 1e-5, 'output');
          fused.grads.forEach((g, i) => {
            expectClose(
              g,
              plain.grads[i] as Float32Array,
              2e-4,
              `gradient ${m.trainableParameters[i]?.name}`,
            );
            expect(g.some((v) => v !== 0)).toBe(true);
          });
          fused.moving.forEach((v, i) => {
            expectClose(v, plain.moving[i] as Float32Array, 1e-6, 'moving statistics');
          });
          expectClose(fused.dx, plain.dx, 2e-4, 'input gradient');
          tf.dispose([x, rr]);
          m.dispose();
        });
      }
    }
  });
}

describe('what the fused path runs (wasm)', () => {
  for (const kind of ['Sequential', 'Model'] as const) {
    it(`${kind}: an input BN → Dense pair with a large batch forms no input gradient: one matmul fewer than unfused`, async () => {
      await tf.setBackend('wasm');
      await tf.ready();
      const build = MODELS['input BN → Dense relu → BN → Dense softmax'] as Build;
      const m = kind === 'Sequential' ? model(build, 12) : functional(build, 12);
      const x = tf.randomNormal([96, 12], 0, 1, 'float32', 1);
      const vars = m.trainableParameters.map((p) => p.variable);
      const run = async (forward: (x: Tensor) => Tensor) => {
        const p = await tf.profile(() => {
          const g = tf.variableGrads(() => tf.sum(forward(x)) as tf.Scalar, vars);
          tf.dispose([g.value, ...Object.values(g.grads)]);
        });
        return p.kernels.map((k) => k.name);
      };
      const fusedKernels = await run((xx) => m.apply(xx, { training: true }));
      const plainKernels = await run((xx) => unfused(m, xx));
      const count = (names: string[], n: string) => names.filter((k) => k === n).length;
      expect(count(fusedKernels, 'SteadygradNormalizedDenseParamGrad')).toBe(1);
      expect(count(plainKernels, 'SteadygradNormalizedDenseParamGrad')).toBe(0);
      // tfjs's matmul kernels, and core's hostMatMul (wasm with SIMD).
      const matmuls = (names: string[]) =>
        count(names, 'BatchMatMul') + count(names, '_FusedMatMul') + count(names, 'SteadygradMatMul');
      expect(matmuls(fusedKernels)).toBe(matmuls(plainKernels) - 1);
      expect(matmuls(fusedKernels)).toBeGreaterThan(0);
      tf.dispose(x);
      m.dispose();
    });
  }

  it('frozen or inference-mode BN is not fused (its call differs)', async () => {
    await tf.setBackend('wasm');
    const m = model(MODELS['input BN → Dense relu → BN → Dense softmax'] as Build, 12);
    const x = tf.randomNormal([16, 12], 0, 1, 'float32', 2);
    const bn = m.layers[0] as BatchNormalization;
    expect(bn.rowsTraining(x, { training: true })).toBeDefined();
    expect(bn.rowsTraining(x, { training: false })).toBeUndefined();
    bn.trainable = false;
    expect(bn.rowsTraining(x, { training: true })).toBeUndefined();
    const ops = new BatchNormalization();
    setBatchNormImplementation(ops, 'ops');
    ops.build([null, 12], new RandomStream(0));
    expect(ops.rowsTraining(x, { training: true })).toBeUndefined();
    ops.dispose();
    tf.dispose(x);
    m.dispose();
  });

  it('a functional BN read by two layers, or by a layer other than Dense, is not fused', () => {
    const x = input({ shape: [6] });
    const h = new BatchNormalization().apply(x);
    const branch = new Model({
      inputs: x,
      outputs: [new Dense({ units: 2 }).apply(h), new Dense({ units: 3 }).apply(h)],
    });
    const x2 = input({ shape: [6] });
    const chain = new Model({
      inputs: x2,
      outputs: new Dense({ units: 2 }).apply(
        new BatchNormalization().apply(new BatchNormalization().apply(x2)),
      ),
    });
    expect(branch.plan.map((p) => p.rule?.name)).toEqual([undefined, undefined, undefined]);
    expect(chain.plan.map((p) => [p.layers.length, p.rule?.name])).toEqual([
      [1, undefined],
      [2, 'BatchNormalization → Dense'],
    ]);
    branch.dispose();
    chain.dispose();
  });
});
