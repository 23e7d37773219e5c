import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../../gradients.js';
import { batchNormHostAvailable, batchNormTrainingHost } from './batch-norm-op.js';

/** The straightforward autodiff composition (Keras 3 formulas), the reference the host kernels must equal. */
function reference(
  x: tf.Tensor,
  gamma: tf.Tensor | undefined,
  beta: tf.Tensor | undefined,
  epsilon: number,
): { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  let y = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, epsilon)));
  if (gamma !== undefined) y = tf.mul(y, gamma);
  if (beta !== undefined) y = tf.add(y, beta);
  return { y, mean, variance };
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(a: number[], b: number[], tol: number): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(tol * (1 + Math.abs(b[i] as number)));
}

beforeAll(() => {
  registerGradients();
});

for (const backend of ['cpu', 'wasm']) {
  describe(`fused batch-norm host kernels on ${backend} equal the autodiff composition`, () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    for (const [shape, affine] of [
      [[32, 7], true],
      [[4, 3, 5], true],
      [[16, 6], false],
    ] as const) {
      it(`shape [${shape}], gamma/beta ${affine}: values, moving statistics and gradients`, async () => {
        await tf.setBackend(backend);
        await tf.ready();
        expect(batchNormHostAvailable()).toBe(true);
        const c = shape[shape.length - 1] as number;
        const before = tf.memory().numTensors;
        const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([...shape], 0, 1, 'float32', 3), 2), 0.5));
        const gamma = affine
          ? tf.tidy(() => tf.variable(tf.randomUniform([c], 0.5, 1.5, 'float32', 4)))
          : undefined;
        const beta = affine
          ? tf.tidy(() => tf.variable(tf.randomNormal([c], 0, 1, 'float32', 5)))
          : undefined;
        const mm = tf.tidy(() => tf.variable(tf.randomNormal([c], 0, 1, 'float32', 6)));
        const mv = tf.tidy(() => tf.variable(tf.randomUniform([c], 0.5, 2, 'float32', 7)));
        const mm0 = await values(mm);
        const mv0 = await values(mv);
        const dy = tf.randomNormal([...shape], 0, 1, 'float32', 8);
        const eps = 1e-3;
        const m = 0.9;
        const vars = [gamma, beta].filter((v): v is tf.Variable => v !== undefined);
        const loss = (f: (xx: tf.Tensor) => tf.Tensor) => (xx: tf.Tensor) =>
          tf.sum(tf.mul(f(xx), dy)) as tf.Scalar;
        const fused = (xx: tf.Tensor) =>
          batchNormTrainingHost(xx, {
            epsilon: eps,
            gamma,
            beta,
            moving: { mean: mm, variance: mv, momentum: m },
          });
        const ref = (xx: tf.Tensor) => reference(xx, gamma, beta, eps).y;
        const [dxF] = tf.tidy(() => tf.grads(loss(fused))([x]));
        const [dxR] = tf.tidy(() => tf.grads(loss(ref))([x]));
        expectClose(await values(dxF as tf.Tensor), await values(dxR as tf.Tensor), 2e-4);
        if (vars.length > 0) {
          const gF = tf.tidy(() => tf.variableGrads(() => loss(fused)(x), vars));
          const gR = tf.tidy(() => tf.variableGrads(() => loss(ref)(x), vars));
          for (const v of vars) {
            expectClose(
              await values(gF.grads[v.name] as tf.Tensor),
              await values(gR.grads[v.name] as tf.Tensor),
              2e-4,
            );
          }
          tf.dispose([gF.value, gR.value, ...Object.values(gF.grads), ...Object.values(gR.grads)]);
        }
        // Values: compare without the moving update, then check the update once.
        const mm1 = await values(mm);
        const mv1 = await values(mv);
        const yF = batchNormTrainingHost(x, { epsilon: eps, gamma, beta });
        const r = tf.tidy(() => reference(x, gamma, beta, eps));
        expectClose(await values(yF), await values(r.y), 1e-5);
        // Moving statistics were updated by each of the fused calls that had `moving` (grads: 1, variableGrads: 1 if vars).
        const calls = vars.length > 0 ? 2 : 1;
        const mean = await values(r.mean);
        const variance = await values(r.variance);
        const expMean = mm0.map((v, i) => {
          let s = v;
          for (let k = 0; k < calls; k++) s = s * m + (mean[i] as number) * (1 - m);
          return s;
        });
        const expVar = mv0.map((v, i) => {
          let s = v;
          for (let k = 0; k < calls; k++) s = s * m + (variance[i] as number) * (1 - m);
          return s;
        });
        expectClose(mm1, expMean, 1e-5);
        expectClose(mv1, expVar, 1e-5);
        tf.dispose([x, dy, dxF as tf.Tensor, dxR as tf.Tensor, yF, r.y, r.mean, r.variance, mm, mv, ...vars]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  });
}

describe('batch-norm host backward skips dx when the input needs no gradient', () => {
  it('normalizing the model input: the backward kernel forms dγ and dβ only; asked for x, it forms dx', async () => {
    await tf.setBackend('wasm');
    await tf.ready();
    const x = tf.randomNormal([8, 5], 0, 1, 'float32', 1);
    const gamma = tf.variable(tf.randomUniform([5], 0.5, 1.5, 'float32', 2));
    const beta = tf.variable(tf.randomNormal([5], 0, 1, 'float32', 3));
    const dy = tf.randomNormal([8, 5], 0, 1, 'float32', 4);
    const loss = (xx: tf.Tensor) =>
      tf.sum(tf.mul(batchNormTrainingHost(xx, { epsilon: 1e-3, gamma, beta }), dy)) as tf.Scalar;
    const before = tf.memory().numTensors;
    const gradKernels = (p: Awaited<ReturnType<typeof tf.profile>>) =>
      p.kernels.filter((k) => k.name === 'SteadygradBatchNormGrad');
    const params = await tf.profile(() => {
      const g = tf.variableGrads(() => loss(x), [gamma, beta]);
      tf.dispose([g.value, ...Object.values(g.grads)]);
    });
    expect(gradKernels(params).map((k) => k.outputShapes)).toEqual([[[5], [5]]]);
    const input = await tf.profile(() => {
      tf.grad(loss)(x).dispose();
    });
    expect(gradKernels(input).map((k) => k.outputShapes)).toEqual([[[8, 5], [5], [5]]]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, beta, dy]);
    await tf.setBackend('cpu');
  });
});
