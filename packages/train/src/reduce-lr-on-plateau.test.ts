import { isSteadygradError, registerGradients, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixture from './fixtures/plateau.json' with { type: 'json' };
import { type ReduceLROnPlateau, reduceLROnPlateau } from './reduce-lr-on-plateau.js';
import { blobs } from './test-utils/blobs.js';
import { compile } from './trainer.js';

const data = blobs(48, 3, 7);
beforeAll(() => registerGradients());
afterAll(() => tf.dispose([data.x, data.y]));

function replay(
  cb: ReduceLROnPlateau,
  values: readonly number[],
  lr0: number,
): { lrs: number[]; waits: number[] } {
  let lr = lr0;
  const lrs: number[] = [];
  const waits: number[] = [];
  for (const v of values) {
    const next = cb.step(v, lr);
    if (next !== undefined) lr = next;
    lrs.push(lr);
    waits.push(cb.wait);
  }
  return { lrs, waits };
}

describe('reduceLROnPlateau (Keras rule)', () => {
  it('follows a hand-worked sequence (abs minDelta, wait >= patience, cooldown, minLr)', () => {
    const cb = reduceLROnPlateau({ patience: 2, factor: 0.5, minDelta: 0.01, cooldown: 1, minLr: 0.02 });
    const values = [1.0, 0.995, 0.98, 0.975, 0.99, 0.99, 0.99, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6];
    const { lrs, waits } = replay(cb, values, 0.1);
    // Worked by hand from Keras 3's on_epoch_end (see the class comment).
    expect(lrs).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02]);
    expect(waits).toEqual([0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 2, 3]);
    expect(cb.best).toBe(0.5);
  });

  it("'max' mode for accuracy keys (auto) and the seed cell 29 settings", () => {
    const cb = reduceLROnPlateau({ monitor: 'val_accuracy', factor: 0.5, patience: 5 });
    const { lrs } = replay(cb, [0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6], 0.01);
    // best 0.6 at epoch 1; wait reaches 5 at epoch 6 → 0.005; again at epoch 11 → 0.0025.
    expect(lrs).toEqual([0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005, 0.005, 0.005, 0.0025]);
  });

  it('matches torch.optim.lr_scheduler.ReduceLROnPlateau with rule "pytorch"', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(6);
    let reducing = 0;
    for (const c of fixture.cases) {
      const cb = reduceLROnPlateau({
        mode: c.mode as 'min' | 'max',
        factor: c.factor,
        patience: c.patience,
        minDelta: c.threshold,
        thresholdMode: c.threshold_mode as 'abs' | 'rel',
        cooldown: c.cooldown,
        minLr: c.min_lr,
        rule: 'pytorch',
      });
      const { lrs } = replay(cb, c.values, c.initialLr);
      for (const [i, lr] of lrs.entries()) expect(lr, `${c.name} epoch ${i}`).toBeCloseTo(c.lrs[i]!, 12);
      if (new Set(c.lrs).size > 1) reducing++;
    }
    expect(reducing).toBeGreaterThanOrEqual(5); // all but the patience-10 default case reduce
  });

  it('the Keras and PyTorch rules differ by one epoch of patience', () => {
    const values = [1, 1, 1, 1];
    const keras = replay(reduceLROnPlateau({ patience: 2, factor: 0.5 }), values, 1).lrs;
    const torch = replay(reduceLROnPlateau({ patience: 2, factor: 0.5, rule: 'pytorch' }), values, 1).lrs;
    expect(keras).toEqual([1, 1, 0.5, 0.5]);
    expect(torch).toEqual([1, 1, 1, 0.5]);
  });

  it('rejects factor >= 1 and other bad options', () => {
    for (const factor of [1, 1.5]) {
      try {
        reduceLROnPlateau({ factor });
        expect.unreachable();
      } catch (e) {
        expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
        expect((e as Error).message).toMatch(/factor >= 1.*expected a number in \(0, 1\)/);
      }
    }
    expect(() => reduceLROnPlateau({ patience: -1 })).toThrow(/patience/);
    expect(() => reduceLROnPlateau({ mode: 'up' as never })).toThrow(/mode must be one of/);
    expect(() => reduceLROnPlateau({ thresholdMode: 'x' as never })).toThrow(/thresholdMode/);
  });

  it('state round trip continues identically', () => {
    const values = [1, 0.9, 0.95, 0.97, 0.96, 0.99, 0.5, 0.6, 0.7, 0.8];
    const full = replay(reduceLROnPlateau({ patience: 2, factor: 0.5, cooldown: 1 }), values, 1).lrs;
    const a = reduceLROnPlateau({ patience: 2, factor: 0.5, cooldown: 1 });
    const head = replay(a, values.slice(0, 4), 1).lrs;
    const b = reduceLROnPlateau({ patience: 2, factor: 0.5, cooldown: 1 });
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    const tail = replay(b, values.slice(4), head[head.length - 1]!).lrs;
    expect([...head, ...tail]).toEqual(full);
    expect(() => b.setState({ meta: { best: 1 } })).toThrow(/ReduceLROnPlateau state/);
  });

  it('drives the optimizer inside fit; History records the rate each epoch used', async () => {
    const model = new Sequential(
      [
        new Dense({ units: 4, activation: 'relu', inputShape: [2] }),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      { seed: 3 },
    );
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    const before = tf.memory().numTensors;
    const cb = reduceLROnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 10 });
    const h = await trainer.fit(data.x, data.y, { epochs: 4, verbose: 0, callbacks: [cb] });
    expect(h.history.lr).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(trainer.optimizer.learningRate).toBe(0.0125);
    expect(tf.memory().numTensors).toBe(before);
    const err = await trainer
      .fit(data.x, data.y, { verbose: 0, callbacks: [reduceLROnPlateau()] })
      .catch((e) => e);
    expect(isSteadygradError(err, 'NOT_FOUND')).toBe(true);
    expect(err.message).toMatch(/monitor 'val_loss' is not in the epoch logs; available keys: \[loss, lr\]/);
    trainer.dispose();
    model.dispose();
  });
});
