import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSteadygradError, type Parameter, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { type CallContext, Dense, Layer, Sequential, type Shape } from '@steadygrad/nn';
import { adam } from '@steadygrad/optim';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Callback } from './callbacks.js';
import { earlyStopping } from './early-stopping.js';
import type { FitOptions } from './fit-options.js';
import { learningRateScheduler } from './learning-rate-scheduler.js';
import { reduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

/** Gaussian noise from the fit's layer stream, and a non-trainable running mean updated in training (like BN). */
class NoisyMean extends Layer {
  readonly className = 'NoisyMean';
  private mean: Parameter | undefined;
  override build(inputShape: Shape): void {
    const init = tf.zeros([inputShape[1] as number]);
    this.mean = this.addParameter('running_mean', init, { trainable: false });
    init.dispose();
    super.build(inputShape, undefined as never);
  }
  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) return tf.clone(x);
    const noise = ctx.rng!.fillNormal(x.size, 1, 0.2);
    const m = this.mean!;
    tf.tidy(() => m.assign(tf.add(tf.mul(m.variable, 0.9), tf.mul(tf.mean(x, 0), 0.1))));
    return tf.tidy(() => tf.mul(x, tf.tensor(noise, x.shape)));
  }
}

const data = blobs(44, 3, 11); // 44 samples, batch 8 → 6 steps per epoch, the last one of 4
const dirs: string[] = [];
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function model(units = 6): Sequential {
  return new Sequential(
    [
      new Dense({ units, activation: 'relu', inputShape: [2] }),
      new NoisyMean({}),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed: 5 },
  );
}

function setup(units = 6) {
  const m = model(units);
  m.build();
  const trainer = compile(m, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: adam({ learningRate: 0.02 }),
    metrics: ['accuracy'],
  });
  const callbacks: Callback<never>[] = [
    learningRateScheduler((epoch, lr) => (epoch === 0 ? lr : lr * 0.9)),
    reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 0.05 }),
    earlyStopping({ monitor: 'loss', patience: 10, restoreBestWeights: true }),
  ];
  return { m, trainer, callbacks };
}

const weights = (m: Sequential) => m.parameters.map((p) => Array.from(p.variable.dataSync()));

const crashAt = (globalStep: number, steps: number): Callback =>
  ({
    epoch: 0,
    onEpochBegin(e: number) {
      (this as { epoch: number }).epoch = e;
    },
    onBatchEnd(batch: number) {
      if ((this as { epoch: number }).epoch * steps + batch === globalStep) throw new Error('crash');
    },
  }) as Callback;

describe('fit checkpoints', () => {
  it('a run interrupted at any step and resumed is bit-identical to the uninterrupted run', async () => {
    const opts: FitOptions = { epochs: 3, batchSize: 8, seed: 9, verbose: 0 };
    const before = tf.memory().numTensors;
    const full = setup();
    const hFull = await full.trainer.fit(data.x, data.y, { ...opts, callbacks: full.callbacks });
    const expected = weights(full.m);
    for (const crash of [4, 7, 11, 16]) {
      const dir = await mkdtemp(join(tmpdir(), 'sg-resume-'));
      dirs.push(dir);
      const a = setup();
      const err = await a.trainer
        .fit(data.x, data.y, {
          ...opts,
          callbacks: [...a.callbacks, crashAt(crash, 6) as never],
          checkpoint: { dir, every: 3 },
        })
        .catch((e) => e);
      expect(String(err)).toMatch(/crash/);
      a.trainer.dispose();
      a.m.dispose();
      for (const c of a.callbacks) (c as { dispose?: () => void }).dispose?.();
      const b = setup();
      const h = await b.trainer.fit(data.x, data.y, {
        ...opts,
        callbacks: b.callbacks,
        resumeFrom: dir,
        checkpoint: { dir, every: 3 },
      });
      expect(weights(b.m), `crash after step ${crash}`).toEqual(expected);
      expect(h.history, `history after a crash at ${crash}`).toEqual(hFull.history);
      expect(h.epoch).toEqual([0, 1, 2]);
      b.trainer.dispose();
      b.m.dispose();
    }
    full.trainer.dispose();
    full.m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a checkpoint for another model, other fit options or other callbacks is INCOMPATIBLE and changes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-resume-'));
    dirs.push(dir);
    const a = setup();
    await a.trainer.fit(data.x, data.y, {
      epochs: 1,
      batchSize: 8,
      verbose: 0,
      callbacks: a.callbacks,
      checkpoint: { dir },
    });
    const other = setup(7);
    const w0 = weights(other.m);
    const opt0 = other.trainer.optimizer.iterations;
    const same = setup();
    const before = tf.memory().numTensors;
    const cases: [FitOptions, RegExp][] = [
      [
        { callbacks: other.callbacks },
        /parameter 'dense(_\d+)?\/kernel' has shape \[2,6\] in the checkpoint, \[2,7\] in the model/,
      ],
    ];
    for (const [o, re] of cases) {
      const err = await other.trainer
        .fit(data.x, data.y, { epochs: 2, batchSize: 8, verbose: 0, resumeFrom: dir, ...o })
        .catch((e) => e);
      expect(isSteadygradError(err, 'INCOMPATIBLE'), String(err?.stack ?? err)).toBe(true);
      expect(err.message, err.message).toMatch(re);
      expect(err.message).toContain('ckpt-00000001');
    }
    const w1 = weights(same.m);
    for (const [o, re] of [
      [{ batchSize: 4, callbacks: same.callbacks }, /batchSize 8 in the checkpoint, 4 now/],
      [
        { callbacks: same.callbacks.slice(0, 2) },
        /callbacks \[reduceLROnPlateau, earlyStopping\].*\[reduceLROnPlateau\]/,
      ],
    ] as [FitOptions, RegExp][]) {
      const err = await same.trainer
        .fit(data.x, data.y, { epochs: 2, batchSize: 8, verbose: 0, resumeFrom: dir, ...o })
        .catch((e) => e);
      expect(isSteadygradError(err, 'INCOMPATIBLE'), String(err?.stack ?? err)).toBe(true);
      expect(err.message).toMatch(re);
    }
    expect(weights(other.m)).toEqual(w0);
    expect(weights(same.m)).toEqual(w1);
    expect(other.trainer.optimizer.iterations).toBe(opt0);
    expect(tf.memory().numTensors).toBe(before);
    for (const s of [a, other, same]) {
      s.trainer.dispose();
      s.m.dispose();
    }
  });

  it('a mid-epoch checkpoint resumed with other running sums (nonFinite mode, metrics) is INCOMPATIBLE', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-resume-'));
    dirs.push(dir);
    const a = setup();
    const err = await a.trainer
      .fit(data.x, data.y, {
        epochs: 1,
        batchSize: 8,
        verbose: 0,
        callbacks: [...a.callbacks, crashAt(3, 6) as never],
        checkpoint: { dir, every: 2 },
      })
      .catch((e) => e);
    expect(String(err)).toMatch(/crash/);
    const b = setup();
    const w = weights(b.m);
    const err2 = await b.trainer
      .fit(data.x, data.y, {
        epochs: 1,
        batchSize: 8,
        verbose: 0,
        callbacks: b.callbacks,
        resumeFrom: dir,
        nonFinite: 'skip',
      })
      .catch((e) => e);
    expect(isSteadygradError(err2, 'INCOMPATIBLE')).toBe(true);
    expect(err2.message).toMatch(
      /taken mid-epoch with 3 running sums, this fit keeps 5; resume with the same metrics and nonFinite mode/,
    );
    expect(weights(b.m)).toEqual(w);
    for (const s of [a, b]) {
      s.trainer.dispose();
      s.m.dispose();
      for (const c of s.callbacks) (c as { dispose?: () => void }).dispose?.();
    }
  });
});
