import { describe, expect, it } from 'vitest';
import { cosineDecay } from './cosine-decay.js';
import { linearWarmup } from './linear-warmup.js';
import { expectAllClose, valuesOf } from './test-utils/close.js';
import { expectError } from './test-utils/expect-error.js';

describe('linearWarmup', () => {
  it('ramps linearly from initialLearningRate to the target over warmupSteps, then holds it', () => {
    const f = linearWarmup({ warmupSteps: 10, targetLearningRate: 0.1 });
    const steps = Array.from({ length: 40 }, (_, i) => i * 0.5);
    expectAllClose(
      valuesOf(f, steps),
      steps.map((t) => (t < 10 ? 0.1 * (t / 10) : 0.1)),
    );
    const g = linearWarmup({ warmupSteps: 4, targetLearningRate: 1, initialLearningRate: 0.2 });
    expect([0, 1, 2, 3, 4, 100].map(g)).toEqual([0.2, 0.4, 0.6000000000000001, 0.8, 1, 1]);
  });

  it("followed by cosineDecay is Keras 3's CosineDecay(warmup_target, warmup_steps)", () => {
    const f = linearWarmup({
      warmupSteps: 30,
      targetLearningRate: 0.1,
      initialLearningRate: 0.001,
      after: cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.05 }),
    });
    const keras = cosineDecay({
      initialLearningRate: 0.001,
      decaySteps: 100,
      alpha: 0.05,
      warmupTarget: 0.1,
      warmupSteps: 30,
    });
    expectAllClose(valuesOf(f, 200), valuesOf(keras, 200));
  });

  it('with warmupSteps 0 is the after-schedule (or the target) from step 0', () => {
    expect(linearWarmup({ warmupSteps: 0, targetLearningRate: 0.3 })(0)).toBe(0.3);
  });

  it('rejects invalid arguments', () => {
    expectError(
      () => linearWarmup({ warmupSteps: -1, targetLearningRate: 0.1 }),
      'INVALID_ARGUMENT',
      /warmupSteps must be a finite number >= 0, got -1/,
    );
    expectError(
      () => linearWarmup({ warmupSteps: 1, targetLearningRate: -0.1 }),
      'INVALID_ARGUMENT',
      /targetLearningRate must be/,
    );
    expectError(
      () => linearWarmup({ warmupSteps: 1, targetLearningRate: 0.1, after: 0.1 as unknown as () => number }),
      'INVALID_ARGUMENT',
      /after must be a schedule \(step: number\) => number, got number/,
    );
  });
});
