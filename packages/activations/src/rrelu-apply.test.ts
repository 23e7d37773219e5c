import { isSteadygradError, RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { RRELU_DEFAULT_LOWER, RRELU_DEFAULT_UPPER, rreluApply } from './rrelu-apply.js';
import { expectClose, fixture, valueAndGrad } from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('rreluApply', () => {
  it.each(fixture.rrelu.map((c) => [c.config.lower, c.config.upper, c] as const))(
    'at inference matches PyTorch rrelu(lower=%s, upper=%s, training=False)',
    (lower, upper, c) => {
      const { value, grad } = valueAndGrad((x) => rreluApply(x, { lower, upper }), c.x);
      expectClose(value, c.value, 'rrelu value', {}, c.x);
      expectClose(grad, c.grad, 'rrelu gradient', {}, c.x);
    },
  );
  it('defaults to PyTorch bounds 1/8 and 1/3', () => {
    expect([RRELU_DEFAULT_LOWER, RRELU_DEFAULT_UPPER]).toEqual([1 / 8, 1 / 3]);
  });
  it('in training draws one slope per element in [lower, upper] from the stream, reproducibly', () => {
    const n = 2000;
    const xs = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? -1 - (i % 7) : 0.5 + (i % 3)));
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(xs);
    const run = (seed: number) =>
      tf.tidy(() => {
        const rng = new RandomStream(seed);
        return tf.valueAndGrad((t: Tensor) => tf.sum(rreluApply(t, { training: true, rng })))(x);
      });
    const a = run(5);
    const b = run(5);
    const c = run(6);
    const ya = a.value;
    const slopesA = a.grad.dataSync();
    expect(Array.from(b.grad.dataSync())).toEqual(Array.from(slopesA));
    expect(Array.from(c.grad.dataSync())).not.toEqual(Array.from(slopesA));
    const negSlopes: number[] = [];
    xs.forEach((v, i) => {
      const s = slopesA[i] as number;
      if (v > 0) expect(s).toBe(1);
      else negSlopes.push(s);
    });
    expect(Math.min(...negSlopes)).toBeGreaterThanOrEqual(Math.fround(1 / 8));
    expect(Math.max(...negSlopes)).toBeLessThanOrEqual(Math.fround(1 / 3));
    // Mean of U(1/8, 1/3) is 11/48, sd (1/3 − 1/8)/√12 ≈ 0.0601: 4 standard errors.
    const mean = negSlopes.reduce((s, v) => s + v, 0) / negSlopes.length;
    expect(Math.abs(mean - 11 / 48)).toBeLessThan((4 * 0.0601) / Math.sqrt(negSlopes.length));
    // Forward uses the same slopes as the gradient: y = slope · x.
    const expectedSum = xs.reduce((s, v, i) => s + (v > 0 ? v : (slopesA[i] as number) * v), 0);
    expect(ya.dataSync()[0]).toBeCloseTo(expectedSum, 1);
    tf.dispose([x, a.value, a.grad, b.value, b.grad, c.value, c.grad]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('rejects bad bounds and training without rng', () => {
    const x = tf.zeros([2]);
    expect(() => rreluApply(x, { lower: -0.1 })).toThrow(
      /rrelu lower must be a finite number >= 0, got -0.1/,
    );
    expect(() => rreluApply(x, { lower: 0.5, upper: 0.2 })).toThrow(
      /rrelu upper must be a finite number >= 0.5/,
    );
    try {
      rreluApply(x, { training: true });
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toMatch(/needs rng/);
    }
    x.dispose();
  });
});
