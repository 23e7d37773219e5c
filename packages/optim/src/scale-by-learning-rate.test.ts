import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { scaleByLearningRate } from './scale-by-learning-rate.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, t1 } from './test-utils/values.js';

describe('scaleByLearningRate', () => {
  it('produces −lr·u and counts updates in a plain number', () => {
    tf.tidy(() => {
      const tx = scaleByLearningRate(0.5);
      const r = tx.update({ w: t1([2, -4]) }, tx.init({}), {});
      expect(arr(r.updates.w!)).toEqual([-1, 2]);
      expect(r.state).toEqual({ count: 1, learningRate: null });
    });
  });

  it('evaluates a schedule at the number of updates done (0 first), like Keras at optimizer.iterations', () => {
    tf.tidy(() => {
      const seen: number[] = [];
      const tx = scaleByLearningRate((t) => {
        seen.push(t);
        return 0.5 ** t;
      });
      let s = tx.init({});
      const out: number[] = [];
      for (let i = 0; i < 3; i++) {
        expect(tx.learningRate!.get(s)).toBe(0.5 ** i);
        const r = tx.update({ w: t1([1]) }, s, {});
        out.push(arr(r.updates.w!)[0]!);
        s = r.state;
      }
      expect(out).toEqual([-1, -0.5, -0.25]);
      expect(seen).toContain(2);
    });
  });

  it('an injected learning rate replaces the schedule from then on and lives in the state', () => {
    tf.tidy(() => {
      const tx = scaleByLearningRate((t) => 1 + t);
      let s = tx.learningRate!.set(tx.init({}), 0.25);
      expect(s).toEqual({ count: 0, learningRate: 0.25 });
      for (let i = 0; i < 2; i++) {
        const r = tx.update({ w: t1([4]) }, s, {});
        expect(arr(r.updates.w!)).toEqual([-1]);
        s = r.state;
      }
      expect(tx.learningRate!.get(s)).toBe(0.25);
      expectError(
        () => tx.learningRate!.set(s, -1),
        'INVALID_ARGUMENT',
        /learningRate must be a finite number >= 0, got -1/,
      );
    });
  });

  it('rejects bad learning rates and bad schedule values', () => {
    expectError(
      () => scaleByLearningRate(-0.1),
      'INVALID_ARGUMENT',
      /learningRate must be a finite number >= 0, got -0.1/,
    );
    expectError(
      () => scaleByLearningRate(Number.NaN),
      'INVALID_ARGUMENT',
      /learningRate must be a finite number >= 0/,
    );
    expectError(
      () => scaleByLearningRate('0.1' as unknown as number),
      'INVALID_ARGUMENT',
      /learningRate must be a finite number >= 0 or a schedule/,
    );
    const tx = scaleByLearningRate((t) => (t < 1 ? 0.1 : -0.1));
    tf.tidy(() => {
      const r = tx.update({ w: t1([1]) }, tx.init({}), {});
      expectError(
        () => tx.update({ w: t1([1]) }, r.state, {}),
        'INVALID_ARGUMENT',
        /schedule value at step 1 must be .* >= 0, got -0.1/,
      );
    });
  });
});
