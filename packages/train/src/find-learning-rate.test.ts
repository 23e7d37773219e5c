import { isSteadygradError, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { adam, Optimizer, sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findLearningRate } from './find-learning-rate.js';
import { blobs } from './test-utils/blobs.js';
import { PlainSgd } from './test-utils/plain-sgd.js';
import { compile } from './trainer.js';

const data = blobs(64, 3, 31);
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));

const mlp = () =>
  new Sequential(
    [
      new Dense({ units: 8, activation: 'relu', inputShape: [2] }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 2 },
  );
const weights = (m: Sequential) => m.parameters.map((p) => Array.from(p.variable.dataSync()));

function optimizerState(opt: Optimizer) {
  const s = opt.getState();
  const out = {
    meta: s.meta,
    tensors: Object.fromEntries(Object.entries(s.tensors).map(([k, t]) => [k, Array.from(t.dataSync())])),
  };
  tf.dispose(Object.values(s.tensors));
  return out;
}

describe('findLearningRate', () => {
  it('sweeps exponentially, suggests min-smoothed-loss lr / 10, and restores weights and optimizer bit for bit', async () => {
    const m = mlp();
    const opt = new Optimizer(adam({ learningRate: 0.01 }));
    const trainer = compile(m, { loss: 'sparse_categorical_crossentropy', optimizer: opt });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 }); // non-trivial Adam state
    const w0 = weights(m);
    const s0 = optimizerState(opt);
    const before = tf.memory().numTensors;
    const r = await findLearningRate(trainer, data.x, data.y, {
      minLr: 1e-4,
      maxLr: 10,
      steps: 30,
      batchSize: 16,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(weights(m)).toEqual(w0);
    expect(optimizerState(opt)).toEqual(s0);
    expect(opt.learningRate).toBe(0.01);
    expect(r.lrs).toHaveLength(30);
    expect(r.lrs[0]).toBeCloseTo(1e-4, 15);
    expect(r.lrs[29]).toBeCloseTo(10, 10);
    expect(r.lrs[10]! / r.lrs[9]!).toBeCloseTo(1e5 ** (1 / 29), 10);
    expect(r.losses).toHaveLength(30);
    // The suggestion rule, recomputed from the returned curve.
    let avg = 0;
    let best = Number.POSITIVE_INFINITY;
    let at = 0;
    for (let i = 0; i < 30; i++) {
      avg = 0.98 * avg + 0.02 * r.losses[i]!;
      const sm = avg / (1 - 0.98 ** (i + 1));
      if (!Number.isFinite(sm) || (i > 0 && sm > 4 * best)) break;
      if (sm < best) [best, at] = [sm, i];
    }
    expect(r.minLossLr).toBe(r.lrs[at]);
    expect(r.suggestedMaxLr).toBe(r.lrs[at]! / 10);
    // The loss falls at first: the minimum is not at the first step.
    expect(at).toBeGreaterThan(0);
    trainer.dispose();
    opt.dispose();
    m.dispose();
  });

  it('accepts a model with compile options, and is deterministic', async () => {
    const runOnce = async () => {
      const m = mlp();
      const r = await findLearningRate(m, data.x, data.y, {
        steps: 12,
        compile: { loss: 'sparse_categorical_crossentropy', optimizer: sgd() },
      });
      m.dispose();
      return r;
    };
    const before = tf.memory().numTensors;
    const a = await runOnce();
    const b = await runOnce();
    expect(a).toEqual(b);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad ranges and optimizers that cannot be restored', async () => {
    const m = mlp();
    const bad = async (o: object) =>
      findLearningRate(m, data.x, data.y, { compile: { loss: 'mse', optimizer: sgd() }, ...o }).catch(
        (e) => e,
      );
    expect((await bad({ minLr: 0 })).message).toMatch(/minLr must be/);
    expect((await bad({ minLr: 1, maxLr: 0.5 })).message).toMatch(/maxLr must be/);
    expect((await bad({ steps: 1 })).message).toMatch(/steps must be/);
    const err = await findLearningRate(
      compile(m, { loss: 'mse', optimizer: new PlainSgd(0.1) }),
      data.x,
      data.y,
    ).catch((e) => e);
    expect(isSteadygradError(err, 'INCOMPATIBLE')).toBe(true);
    m.dispose();
  });
});
