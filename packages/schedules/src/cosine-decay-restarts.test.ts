import { describe, expect, it } from 'vitest';
import { cosineDecayRestarts } from './cosine-decay-restarts.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';
import { torchFixtures } from './test-utils/fixtures.js';

// Keras 3 CosineDecayRestarts.__call__ in float64, with the period located by walking the periods (Keras'
// log-based index is the same except where float rounding puts a restart step into the previous period).
function walk(t: number, t0: number, tMul: number): { i: number; completed: number } {
  let start = 0;
  let len = t0;
  let i = 0;
  while (t >= start + len) {
    start += len;
    len *= tMul;
    i++;
  }
  return { i, completed: (t - start) / len };
}

function keras(lr0: number, t0: number, tMul: number, mMul: number, alpha: number, t: number): number {
  const { i, completed } = walk(t, t0, tMul);
  const cosineDecayed = 0.5 * mMul ** i * (1.0 + Math.cos(Math.PI * completed));
  return lr0 * ((1 - alpha) * cosineDecayed + alpha);
}

// The bare Keras formula (geometric branch), to check agreement away from restart steps.
function kerasLog(lr0: number, t0: number, tMul: number, mMul: number, alpha: number, t: number): number {
  let completed = t / t0;
  let i: number;
  if (tMul === 1) {
    i = Math.floor(completed);
    completed -= i;
  } else {
    i = Math.floor(Math.log(1.0 - completed * (1.0 - tMul)) / Math.log(tMul));
    const sumR = (1.0 - tMul ** i) / (1.0 - tMul);
    completed = (completed - sumR) / tMul ** i;
  }
  const cosineDecayed = 0.5 * mMul ** i * (1.0 + Math.cos(Math.PI * completed));
  return lr0 * ((1 - alpha) * cosineDecayed + alpha);
}

describe('cosineDecayRestarts (Keras CosineDecayRestarts, SGDR)', () => {
  const steps = Array.from({ length: 700 }, (_, i) => i * 0.5);

  it.each([
    [0.1, 10, 2, 1, 0],
    [0.1, 10, 1, 1, 0],
    [1, 7, 1.5, 0.8, 0.05],
    [0.5, 3, 3, 0.5, 0.1],
  ])('lr0 %f, first %f, tMul %f, mMul %f, alpha %f', (lr0, t0, tMul, mMul, alpha) => {
    const f = cosineDecayRestarts({ initialLearningRate: lr0, firstDecaySteps: t0, tMul, mMul, alpha });
    const got = valuesOf(f, steps);
    expectAllClose(
      got,
      steps.map((t) => keras(lr0, t0, tMul, mMul, alpha, t)),
    );
    // Agrees with Keras' own log-based formula except possibly at exact restart steps.
    const off = steps.filter(
      (t, k) => Math.abs(got[k]! - kerasLog(lr0, t0, tMul, mMul, alpha, t)) > 1e-9 * lr0,
    );
    for (const t of off) expect(walk(t, t0, tMul).completed, `step ${t} is a restart step`).toBe(0);
  });

  it('starts a new period exactly at a restart step where Keras rounds the period index down', () => {
    const f = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 1, tMul: 10 });
    expect(f(111)).toBe(1); // period 3 starts at 1 + 10 + 100
    expect(kerasLog(1, 1, 10, 1, 0, 111)).toBeLessThan(1e-12); // Keras: the end of period 2
  });

  it('restarts at lr0 · mMul^i at the start of period i', () => {
    const f = cosineDecayRestarts({ initialLearningRate: 1, firstDecaySteps: 10, tMul: 2, mMul: 0.5 });
    expect(f(0)).toBe(1);
    expect(f(10)).toBe(0.5);
    expect(f(30)).toBe(0.25);
    expect(f(29.999999)).toBeLessThan(1e-6);
  });

  it.each(torchFixtures.cosineAnnealingWarmRestarts.map((c) => [c.options.T_0, c.options.T_mult, c]))(
    'mMul 1, alpha = eta_min / lr0 reproduces torch CosineAnnealingWarmRestarts(T_0 %i, T_mult %i)',
    (_t0, _m, c) => {
      const f = cosineDecayRestarts({
        initialLearningRate: c.options.lr,
        firstDecaySteps: c.options.T_0,
        tMul: c.options.T_mult,
        alpha: c.options.eta_min / c.options.lr,
      });
      expectAllClose(valuesOf(f, c.lr.length), c.lr);
    },
  );

  it('rejects invalid arguments', () => {
    const ok = { initialLearningRate: 0.1, firstDecaySteps: 10 };
    expectError(
      () => cosineDecayRestarts({ ...ok, firstDecaySteps: 0 }),
      'INVALID_ARGUMENT',
      /firstDecaySteps must be a finite number > 0, got 0/,
    );
    expectError(
      () => cosineDecayRestarts({ ...ok, tMul: 0.5 }),
      'INVALID_ARGUMENT',
      /tMul must be a finite number >= 1, got 0.5/,
    );
    expectError(
      () => cosineDecayRestarts({ ...ok, mMul: -1 }),
      'INVALID_ARGUMENT',
      /mMul must be a finite number >= 0/,
    );
    expectError(() => cosineDecayRestarts({ ...ok, alpha: -0.1 }), 'INVALID_ARGUMENT', /alpha must be/);
  });
});
