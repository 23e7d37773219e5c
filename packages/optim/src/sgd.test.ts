import { isSteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { chain } from './chain.js';
import { Optimizer } from './optimizer.js';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { sgd } from './sgd.js';
import {
  caseError,
  casesOf,
  fixtureParameters,
  replay,
  torchFixture,
  trajectoryError,
  transformOf,
} from './test-utils/reference.js';
import { parameter } from './test-utils/values.js';
import { trace } from './trace.js';

/** ‖a − b‖∞ / ‖b‖∞ over whole trajectories. */
function relError(a: readonly number[][], b: readonly number[][]): number {
  let num = 0;
  let den = 0;
  b.forEach((row, k) => {
    row.forEach((e, i) => {
      num = Math.max(num, Math.abs(a[k]![i]! - e));
      den = Math.max(den, Math.abs(e));
    });
  });
  return num / den;
}

describe('sgd', () => {
  it.each(casesOf('sgd').map(({ source, c }) => [`${source}:${c.name}`, c] as const))(
    'matches the %s trajectory (25 steps, rel. error <= 1e-5)',
    (_, c) => {
      expect(caseError(c)).toBeLessThanOrEqual(1e-5);
    },
  );

  it('follows the Keras momentum form, not PyTorch, when the learning rate changes', () => {
    const torchForm = torchFixture.cases.find((c) => c.name === 'sgd_momentum_schedule_torch_form')!;
    const params = fixtureParameters();
    const opt = new Optimizer(transformOf(torchForm));
    const traj = replay(opt, params, 25);
    // Same schedule and momentum: PyTorch's form drifts far from ours (and from the Keras reference).
    expect(trajectoryError(traj, torchForm.trajectory)).toBeGreaterThan(1e-2);
    opt.dispose();
    for (const p of params) p.dispose();
  });

  describe('momentum schedule (e.g. oneCycle(...).momentum)', () => {
    // A 1cycle-like pair: lr rises then falls while μ falls then rises (PyTorch OneCycleLR cycles inversely).
    const lrAt = (t: number) => 0.01 + 0.04 * Math.sin((Math.PI * t) / 24);
    const muAt = (t: number) => 0.95 - 0.1 * Math.sin((Math.PI * t) / 24);
    const gradAt = (t: number, i: number) => Math.sin(1.7 * t + 0.9 * i) * (1 + (t % 5));
    const steps = 25;

    /** Float64: v ← μ_t·v − lr_t·g; w ← w + v (Nesterov w ← w + μ_t·v − lr_t·g), μ_t and lr_t at t = 0, 1, … */
    function byHand(nesterov: boolean, w0: readonly number[]): number[][] {
      const w = [...w0];
      const v = w.map(() => 0);
      const out: number[][] = [];
      for (let t = 0; t < steps; t++) {
        const mu = muAt(t);
        const lr = lrAt(t);
        for (let i = 0; i < w.length; i++) {
          const g = gradAt(t, i);
          v[i] = mu * v[i]! - lr * g;
          w[i] = w[i]! + (nesterov ? mu * v[i]! - lr * g : v[i]!);
        }
        out.push([...w]);
      }
      return out;
    }

    function run(tx: ConstructorParameters<typeof Optimizer>[0], w0: number[]): number[][] {
      const p = parameter('w', w0);
      const opt = new Optimizer(tx);
      const out: number[][] = [];
      for (let t = 0; t < steps; t++) {
        const g = tf.tensor1d(w0.map((_, i) => gradAt(t, i)));
        opt.step([p], { w: g });
        g.dispose();
        out.push(Array.from(p.variable.dataSync()));
      }
      expect(opt.iterations).toBe(steps);
      opt.dispose();
      p.dispose();
      return out;
    }

    const w0 = [0.5, -1, 2, 0.25, -0.75, 1.5];
    it.each([false, true])(
      'equals the hand-derived float64 trajectory over 25 steps (nesterov %s, fused and unfused)',
      (nesterov) => {
        const before = tf.memory().numTensors;
        const expected = byHand(nesterov, w0);
        const fused = run(sgd({ learningRate: lrAt, momentum: muAt, nesterov }), w0);
        const unfused = run(chain(scaleByLearningRate(lrAt), trace({ decay: muAt, nesterov })), w0);
        expect(tf.memory().numTensors).toBe(before);
        expect(relError(fused, expected)).toBeLessThanOrEqual(1e-5);
        expect(relError(unfused, expected)).toBeLessThanOrEqual(1e-5);
        // The fused fast path is bit-identical to the chain it replaces.
        expect(fused).toEqual(unfused);
        // And the momentum really varies: a constant μ = 0.9 gives a different trajectory.
        const constant = run(sgd({ learningRate: lrAt, momentum: 0.9, nesterov }), w0);
        expect(relError(constant, expected)).toBeGreaterThan(1e-3);
      },
    );

    it('a schedule reaching μ = 0 keeps the velocity link; state and checkpoints carry the count', () => {
      const before = tf.memory().numTensors;
      const mu = (t: number) => (t === 1 ? 0 : 0.9);
      const expected = (() => {
        let w = 1;
        let v = 0;
        for (let t = 0; t < 3; t++) {
          v = mu(t) * v - 0.1 * 1;
          w += v;
        }
        return w;
      })();
      const p = parameter('w', [1]);
      const opt = new Optimizer(sgd({ learningRate: 0.1, momentum: mu }));
      const g = tf.ones([1]);
      for (let t = 0; t < 3; t++) opt.step([p], { w: g });
      expect(p.variable.dataSync()[0]).toBeCloseTo(expected, 6);
      const state = opt.getState();
      expect(JSON.stringify(state.meta)).toContain('count');
      tf.dispose(Object.values(state.tensors));
      tf.dispose(g);
      opt.dispose();
      p.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('rejects a schedule value outside [0, 1) when it is used', () => {
      const p = parameter('w', [1]);
      const opt = new Optimizer(sgd({ momentum: () => 1.2 }));
      const g = tf.ones([1]);
      let error: unknown;
      try {
        opt.step([p], { w: g });
      } catch (e) {
        error = e;
      }
      expect(isSteadygradError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toMatch(/momentum schedule value at step 0 must be .* got 1.2/);
      tf.dispose(g);
      opt.dispose();
      p.dispose();
    });
  });

  it('uses the Keras 3 defaults: learningRate 0.01, no momentum', () => {
    const params = fixtureParameters();
    const w0 = Array.from(params[0]!.variable.dataSync());
    const opt = new Optimizer(sgd());
    expect(opt.learningRate).toBe(0.01);
    const g = { w: tf.ones([4, 3]), b: tf.ones([3]) };
    opt.step(params, g);
    const w1 = params[0]!.variable.dataSync();
    w0.forEach((v, i) => {
      expect(w1[i]).toBeCloseTo(v - 0.01, 6);
    });
    tf.dispose(g);
    opt.dispose();
    for (const p of params) p.dispose();
  });

  it.each([
    [{ learningRate: -0.1 }, /learningRate must be a finite number >= 0, got -0.1/],
    [{ momentum: 1 }, /momentum must be a finite number >= 0 < 1, got 1/],
    [{ momentum: -0.5 }, /momentum must be a finite number >= 0 < 1, got -0.5/],
    [{ clipValue: 0 }, /clipValue must be a finite number > 0, got 0/],
    [{ clipNorm: -1 }, /clipNorm must be a finite number > 0, got -1/],
    [{ globalClipNorm: 0 }, /globalClipNorm must be a finite number > 0, got 0/],
    [
      { clipNorm: 1, globalClipNorm: 1 },
      /only one of clipValue, clipNorm and globalClipNorm.*clipNorm=1, globalClipNorm=1/,
    ],
    [{ clipValue: 1, clipNorm: 1 }, /only one of/],
  ])('rejects %j with INVALID_ARGUMENT', (options, message) => {
    let error: unknown;
    try {
      sgd(options);
    } catch (e) {
      error = e;
    }
    expect(isSteadygradError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
