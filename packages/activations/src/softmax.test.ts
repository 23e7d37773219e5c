import { isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { softmax } from './softmax.js';
import { expectClose, fixture } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('softmax', () => {
  it.each(fixture.softmax.map((c) => [c.axis, c.shape, c] as const))(
    'matches PyTorch softmax(dim=%s) on shape %j in value and gradient of sum(w·y)',
    (axis, shape, c) => {
      const act = softmax({ axis });
      const before = tf.memory().numTensors;
      const x = tf.tensor(c.x, shape);
      const w = tf.tensor(c.weights, shape);
      const { value, grads } = tf.tidy(() => {
        const y = act.apply(x);
        const g = tf.grad((t: Tensor) => tf.sum(tf.mul(w, act.apply(t))))(x);
        return { value: y, grads: g };
      });
      expectClose(value.dataSync(), c.value, `softmax axis ${axis} value`);
      expectClose(grads.dataSync(), c.grad, `softmax axis ${axis} gradient`);
      tf.dispose([x, w, value, grads]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
  it('defaults to the last axis and pairs with Glorot', () => {
    const act = softmax();
    expect(act.config).toEqual({ axis: -1 });
    expect(act.pairsWith).toBe('glorot');
    const y = tf.tidy(() => act.apply(tf.tensor2d([[1e4, 1e4, -1e4]])));
    expectClose(y.dataSync(), [0.5, 0.5, 0], 'huge logits');
    y.dispose();
  });
  it('rejects a non-integer axis at creation and an out-of-range axis at apply', () => {
    expect(() => softmax({ axis: 0.5 })).toThrow(/softmax axis must be an integer/);
    const x = tf.zeros([2, 3]);
    try {
      softmax({ axis: 2 }).apply(x);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toBe(
        'softmax axis must be an integer in [-2, 2) for an input of rank 2, got 2',
      );
    }
    expect(() => softmax({ axis: -3 }).apply(x)).toThrow(/\[-2, 2\).*got -3/);
    x.dispose();
  });
});
