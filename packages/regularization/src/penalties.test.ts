import { isSteadygradError, registerGradients, type Scalar, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getRegularizer, l1, l1l2, l2 } from './penalties.js';

beforeAll(() => registerGradients());

const W = [
  [0.5, -1.25, 0],
  [2, -0.75, 3.5],
];
const flat = W.flat();
const sumAbs = flat.reduce((s, v) => s + Math.abs(v), 0); // 8
const sumSq = flat.reduce((s, v) => s + v * v, 0);

function valueAndGrad(penalty: (x: Tensor) => Scalar): { value: number; grad: number[] } {
  return tf.tidy(() => {
    const w = tf.tensor2d(W);
    const { value, grad } = tf.valueAndGrad((x: Tensor) => penalty(x))(w);
    return { value: value.dataSync()[0] as number, grad: Array.from(grad.dataSync()) };
  });
}

describe('penalties (Keras convention, no 1/2 factor)', () => {
  it('l1: value f·Σ|w|, gradient f·sign(w) (0 at 0)', () => {
    const before = tf.memory().numTensors;
    const { value, grad } = valueAndGrad(l1(0.1).penalty);
    expect(sumAbs).toBe(8);
    expect(value).toBeCloseTo(0.1 * sumAbs, 6);
    expect(grad).toEqual(flat.map((v) => Math.fround(0.1 * Math.sign(v)) + 0));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('l2: value f·Σw², gradient 2f·w (= PyTorch weight_decay 2f)', () => {
    const { value, grad } = valueAndGrad(l2(0.05).penalty);
    expect(value).toBeCloseTo(0.05 * sumSq, 5);
    grad.forEach((g, i) => {
      expect(g).toBeCloseTo(2 * 0.05 * (flat[i] as number), 6);
    });
    // One SGD step on the penalty alone is PyTorch's SGD step with weight_decay = 2f: w - lr·wd·w.
    const lr = 0.1;
    const wd = 2 * 0.05;
    grad.forEach((g, i) => {
      const w = flat[i] as number;
      expect(w - lr * g).toBeCloseTo(w - lr * wd * w, 6);
    });
  });

  it('l1l2: sum of both terms; defaults 0 and 0 (Keras 3)', () => {
    const { value, grad } = valueAndGrad(l1l2({ l1: 0.01, l2: 0.02 }).penalty);
    expect(value).toBeCloseTo(0.01 * sumAbs + 0.02 * sumSq, 5);
    grad.forEach((g, i) => {
      const w = flat[i] as number;
      expect(g).toBeCloseTo(0.01 * Math.sign(w) + 2 * 0.02 * w, 6);
    });
    expect(l1l2().config).toEqual({ l1: 0, l2: 0 });
    expect(valueAndGrad(l1l2().penalty).value).toBe(0);
    expect(valueAndGrad(l1l2({ l1: 0.3 }).penalty).value).toBeCloseTo(0.3 * sumAbs, 5);
    expect(valueAndGrad(l1l2({ l2: 0.3 }).penalty).value).toBeCloseTo(0.3 * sumSq, 4);
  });

  it('defaults are Keras 3: l1() and l2() use 0.01', () => {
    expect(l1().config).toEqual({ l1: 0.01 });
    expect(l2().config).toEqual({ l2: 0.01 });
    expect(valueAndGrad(l2().penalty).value).toBeCloseTo(0.01 * sumSq, 5);
  });

  it('rejects negative factors with INVALID_ARGUMENT naming the factor', () => {
    for (const make of [
      () => l1(-1),
      () => l2(-0.1),
      () => l1l2({ l1: -1 }),
      () => l1l2({ l2: Number.NaN }),
    ]) {
      try {
        make();
        expect.unreachable();
      } catch (e) {
        expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
        expect(String((e as Error).message)).toMatch(/l[12] factor must be a finite number >= 0, got/);
      }
    }
  });

  it('getRegularizer resolves Keras names and passes objects through', () => {
    expect(getRegularizer('l1').config).toEqual({ l1: 0.01 });
    expect(getRegularizer('L2').config).toEqual({ l2: 0.01 });
    expect(getRegularizer('l1_l2').config).toEqual({ l1: 0, l2: 0 });
    const r = l2(0.3);
    expect(getRegularizer(r)).toBe(r);
    try {
      getRegularizer('l3');
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'UNKNOWN_NAME')).toBe(true);
      expect((e as Error).message).toContain("'l1', 'l2', 'l1_l2'");
    }
  });
});
