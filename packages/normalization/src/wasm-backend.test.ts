// The same PyTorch fixtures on the wasm backend (Node's default backend, where the speed matters): 'fused' runs
// core's host kernels on the wasm heap there, 'ops' the matmul column sums and elementwise kernels on XNNPACK.
import '@tensorflow/tfjs-backend-wasm';
import { RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setBatchNormImplementation } from './batch-norm-implementation.js';
import { BatchNormalization } from './batch-normalization.js';
import { expectClose } from './test-utils/close.js';
import { loadTorchFixtures } from './test-utils/fixtures.js';

const fixtures = loadTorchFixtures();

beforeAll(async () => {
  registerGradients();
  expect(await tf.setBackend('wasm')).toBe(true);
  await tf.ready();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('BatchNormalization on the wasm backend against PyTorch fixtures', () => {
  for (const implementation of ['fused', 'ops', 'reference'] as const) {
    for (const c of fixtures.batchNormalization) {
      it(`${implementation}, ${c.training ? 'training' : 'inference'}, shape [${c.shape}]`, () => {
        expect(tf.getBackend()).toBe('wasm');
        const before = tf.memory().numTensors;
        const layer = new BatchNormalization({
          name: 'bn',
          momentum: c.momentum,
          epsilon: c.epsilon,
        });
        setBatchNormImplementation(layer, implementation);
        layer.build([null, ...c.shape.slice(1)], new RandomStream(0));
        const params: [{ assign(t: Tensor): void }, number[]][] = [
          [layer.gamma!, c.gamma],
          [layer.beta!, c.beta],
          [layer.movingMean, c.movingMean],
          [layer.movingVariance, c.movingVariance],
        ];
        for (const [p, v] of params) {
          const t = tf.tensor1d(v);
          p.assign(t);
          t.dispose();
        }
        const x0 = tf.tensor(c.x, c.shape);
        const x = tf.variable(x0, true);
        x0.dispose();
        const dy = tf.tensor(c.dy, c.shape);
        let y: Float32Array | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const out = layer.apply(x, { training: c.training });
          y = out.dataSync() as Float32Array;
          return tf.sum(tf.mul(out, dy));
        }, [x, layer.gamma!.variable, layer.beta!.variable]);
        const tol = { atol: 2e-5, rtol: 2e-5 };
        expectClose('y', y!, c.y, tol);
        expectClose('dx', grads[x.name]!.dataSync(), c.dx, tol);
        expectClose('dgamma', grads[layer.gamma!.variable.name]!.dataSync(), c.dgamma, {
          atol: 1e-4,
          rtol: 2e-5,
        });
        expectClose('dbeta', grads[layer.beta!.variable.name]!.dataSync(), c.dbeta, {
          atol: 1e-4,
          rtol: 2e-5,
        });
        expectClose('moving_mean', layer.movingMean.variable.dataSync(), c.newMovingMean, {
          atol: 1e-6,
          rtol: 1e-6,
        });
        expectClose('moving_variance', layer.movingVariance.variable.dataSync(), c.newMovingVariance, {
          atol: 1e-6,
          rtol: 1e-6,
        });
        tf.dispose([value, x, dy, ...Object.values(grads)]);
        layer.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
