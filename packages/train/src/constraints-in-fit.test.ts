import { registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { adam, sgd } from '@steadygrad/optim';
import { maxNorm } from '@steadygrad/regularization';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from './callbacks.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

// Quality bar of issue 7 (seed cell 39): with `kernelConstraint: maxNorm(1)`, after every optimizer step of
// a real `fit`, every kernel column (the incoming weights of one unit, axis 0 of a Dense kernel
// [inputDim, units]) has an L2 norm ≤ 1 + 1e-6. The same run without the constraint pushes norms well
// above 1, so the bound is not vacuous.

const data = blobs(64, 3, 7);

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  data.x.dispose();
  data.y.dispose();
});

function model(constrained: boolean): Sequential {
  const kernelConstraint = constrained ? maxNorm(1) : undefined;
  return new Sequential(
    [
      new Dense({
        units: 16,
        activation: 'elu',
        kernelInitializer: 'he_normal',
        inputShape: [2],
        kernelConstraint,
      }),
      new Dense({ units: 8, activation: 'elu', kernelInitializer: 'he_normal', kernelConstraint }),
      new Dense({ units: 3, activation: 'softmax', kernelConstraint }),
    ],
    { seed: 3 },
  );
}

/** L2 norm of every kernel column (axis 0) of every Dense layer, read back on the host. */
function columnNorms(m: Sequential): number[] {
  const norms: number[] = [];
  for (const p of m.parameters) {
    if (!p.name.endsWith('/kernel')) continue;
    const [rows, cols] = p.shape as [number, number];
    const w = p.variable.dataSync();
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += (w[i * cols + j] as number) ** 2;
      norms.push(Math.sqrt(s));
    }
  }
  return norms;
}

/** Trains 3 epochs of 8 batches and returns the largest column norm seen after each step. */
async function maxNormsPerStep(
  constrained: boolean,
  optimizer: ReturnType<typeof sgd> | ReturnType<typeof adam>,
): Promise<number[]> {
  const m = model(constrained);
  const trainer = compile(m, { loss: 'sparse_categorical_crossentropy', optimizer, metrics: ['accuracy'] });
  const perStep: number[] = [];
  const probe: Callback = {
    onBatchEnd() {
      perStep.push(Math.max(...columnNorms(m)));
    },
  };
  try {
    await trainer.fit(data.x, data.y, { epochs: 3, batchSize: 8, seed: 11, callbacks: [probe], verbose: 0 });
  } finally {
    trainer.dispose?.();
    m.dispose();
  }
  return perStep;
}

describe('fit applies kernel constraints after every step', () => {
  it.each([
    ['SGD lr 0.5', () => sgd({ learningRate: 0.5 })],
    ['Adam lr 0.1', () => adam({ learningRate: 0.1 })],
  ])('maxNorm(1) with %s: every kernel column norm ≤ 1 + 1e-6 after every step', async (_, make) => {
    const before = tf.memory().numTensors;
    const constrained = await maxNormsPerStep(true, make());
    expect(constrained.length).toBe(3 * 8);
    for (const n of constrained) expect(n).toBeLessThanOrEqual(1 + 1e-6);
    // the projection is active: some column sits on the sphere (clipped to c·n/(ε + n) ≈ 1)
    expect(Math.max(...constrained)).toBeGreaterThan(1 - 1e-4);
    // the same run without the constraint goes well past 1
    const free = await maxNormsPerStep(false, make());
    expect(free.length).toBe(3 * 8);
    expect(Math.max(...free)).toBeGreaterThan(1.2);
    expect(tf.memory().numTensors).toBe(before);
  });
});
