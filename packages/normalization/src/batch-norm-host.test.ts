import '@tensorflow/tfjs-backend-wasm';
import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BatchNormTrainingOptions,
  batchNormTraining,
  batchNormTrainingOps,
  batchNormTrainingReference,
} from './batch-norm-ops.js';
import { expectClose } from './test-utils/close.js';

type Op = (x: Tensor, o: BatchNormTrainingOptions) => Tensor;

beforeAll(() => {
  registerGradients();
});

/** y, dx, dγ, dβ of L = Σ y·dy and the moving statistics after one call, as plain arrays. */
async function run(op: Op, shape: number[], seed: number) {
  const c = shape[shape.length - 1] as number;
  const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', seed), 3), 1));
  const dy = tf.randomNormal(shape, 0, 1, 'float32', seed + 1);
  const gamma = tf.tidy(() => tf.variable(tf.randomUniform([c], 0.5, 2, 'float32', seed + 2)));
  const beta = tf.tidy(() => tf.variable(tf.randomNormal([c], 0, 1, 'float32', seed + 3)));
  const mean = tf.tidy(() => tf.variable(tf.zeros([c]), false));
  const variance = tf.tidy(() => tf.variable(tf.ones([c]), false));
  const options = {
    axis: shape.length - 1,
    epsilon: 1e-3,
    gamma,
    beta,
    moving: { mean, variance, momentum: 0.99 },
  };
  const y = tf.tidy(() => op(x, { ...options, moving: undefined }));
  const g = tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(op(x, options), dy)) as tf.Scalar, [gamma, beta]);
    const dx = tf.grad((xx: Tensor) => tf.sum(tf.mul(op(xx, { ...options, moving: undefined }), dy)))(x);
    return [dx, grads[gamma.name] as Tensor, grads[beta.name] as Tensor];
  });
  const read = async (t: Tensor) => Array.from(await t.data());
  const out = {
    y: await read(y),
    dx: await read(g[0] as Tensor),
    dg: await read(g[1] as Tensor),
    db: await read(g[2] as Tensor),
    mm: await read(mean),
    mv: await read(variance),
  };
  tf.dispose([x, dy, gamma, beta, mean, variance, y, ...g]);
  return out;
}

for (const backend of ['cpu', 'wasm']) {
  describe(`batchNormTraining on ${backend}: host kernels = tfjs-op composition = autodiff reference`, () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    for (const shape of [
      [32, 20],
      [4, 3, 6],
    ]) {
      it(`shape [${shape}]`, async () => {
        await tf.setBackend(backend);
        await tf.ready();
        const before = tf.memory().numTensors;
        const host = await run(batchNormTraining, shape, 5);
        const ops = await run(batchNormTrainingOps, shape, 5);
        const ref = await run(batchNormTrainingReference, shape, 5);
        expect(tf.memory().numTensors).toBe(before);
        const tol = { atol: 2e-5, rtol: 1e-4 };
        for (const other of [ops, ref]) {
          expectClose('y', host.y, other.y, tol);
          expectClose('dx', host.dx, other.dx, tol);
          expectClose('dgamma', host.dg, other.dg, tol);
          expectClose('dbeta', host.db, other.db, tol);
          expectClose('moving mean', host.mm, other.mm, { atol: 1e-6, rtol: 1e-5 });
          expectClose('moving variance', host.mv, other.mv, { atol: 1e-6, rtol: 1e-5 });
        }
      });
    }

    it('channels-last training runs one forward and one backward kernel', async () => {
      await tf.setBackend(backend);
      const x = tf.randomNormal([8, 4]);
      const gamma = tf.tidy(() => tf.variable(tf.ones([4])));
      const profile = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(batchNormTraining(x, { axis: 1, epsilon: 1e-3, gamma })) as tf.Scalar,
          [gamma],
        );
        tf.dispose([value, ...Object.values(grads)]);
      });
      const names = profile.kernels.map((k) => k.name);
      expect(names.filter((n) => n === 'SteadygradBatchNormTrain').length).toBe(1);
      expect(names.filter((n) => n === 'SteadygradBatchNormGrad').length).toBe(1);
      expect(names).not.toContain('BatchMatMul');
      tf.dispose([x, gamma]);
    });
  });
}
