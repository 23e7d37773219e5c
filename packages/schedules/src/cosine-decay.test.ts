import { describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';

// Keras 3 CosineDecay.__call__ (with _decay_function and _warmup_function), written out in float64.
function keras(
  lr0: number,
  d: number,
  alpha: number,
  target: number | undefined,
  w: number,
  t: number,
): number {
  const decayFn = (step: number, from: number) => {
    const completed = step / d;
    const cosineDecayed = 0.5 * (1.0 + Math.cos(Math.PI * completed));
    return from * ((1 - alpha) * cosineDecayed + alpha);
  };
  if (target === undefined) return decayFn(Math.min(t, d), lr0);
  const step = Math.min(t, d + w);
  if (step < w) return (target - lr0) * (step / w) + lr0;
  return decayFn(step - w, target);
}

describe('cosineDecay (Keras 3 CosineDecay with linear warmup)', () => {
  const steps = Array.from({ length: 500 }, (_, i) => i * 0.5);

  it.each([
    [0.1, 100, 0, undefined, 0],
    [0.1, 60, 0.1, undefined, 0],
    [0, 100, 0, 0.1, 30],
    [0.01, 50, 0.05, 0.2, 7.5],
    [0.3, 80, 0, 0.1, 0],
  ])('lr0 %f, decaySteps %f, alpha %f, warmupTarget %s, warmupSteps %f', (lr0, d, alpha, target, w) => {
    const f = cosineDecay({
      initialLearningRate: lr0,
      decaySteps: d,
      alpha,
      ...(target === undefined ? {} : { warmupTarget: target, warmupSteps: w }),
    });
    expectAllClose(
      valuesOf(f, steps),
      steps.map((t) => keras(lr0, d, alpha, target, w, t)),
    );
  });

  it('warms up linearly, peaks at the target, ends and stays at alpha · target', () => {
    const f = cosineDecay({
      initialLearningRate: 0,
      decaySteps: 100,
      alpha: 0.1,
      warmupTarget: 1,
      warmupSteps: 10,
    });
    expect(f(0)).toBe(0);
    expect(f(5)).toBeCloseTo(0.5, 15);
    expect(f(10)).toBeCloseTo(1, 15);
    expect(f(60)).toBeCloseTo(0.55, 15);
    expect(f(110)).toBeCloseTo(0.1, 15);
    expect(f(1e6)).toBeCloseTo(0.1, 15);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => cosineDecay({ initialLearningRate: 0.1, decaySteps: 0 }),
      'INVALID_ARGUMENT',
      /decaySteps must be a finite number > 0, got 0/,
    );
    expectError(
      () => cosineDecay({ initialLearningRate: 0.1, decaySteps: 5, alpha: 1.5 }),
      'INVALID_ARGUMENT',
      /alpha must be a finite number >= 0 <= 1/,
    );
    expectError(
      () => cosineDecay({ initialLearningRate: 0.1, decaySteps: 5, warmupSteps: 3 }),
      'INVALID_ARGUMENT',
      /warmupTarget must be a finite number >= 0 when warmupSteps > 0/,
    );
    expectError(
      () => cosineDecay({ initialLearningRate: 0.1, decaySteps: 5, warmupTarget: 1, warmupSteps: -3 }),
      'INVALID_ARGUMENT',
      /warmupSteps must be a finite number >= 0/,
    );
  });
});
