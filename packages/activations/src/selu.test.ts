import { RandomStream, registerGradients, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SELU_ALPHA, SELU_SCALE, selu } from './selu.js';
import {
  expectClose,
  expectMatchesTorch,
  finiteDifferenceCheck,
  SMOOTH_POINTS,
  valueAndGrad,
} from './test-utils/reference.js';

beforeAll(() => registerGradients());

describe('selu', () => {
  it('uses the exact constants of Klambauer et al. (2017)', () => {
    expect(SELU_ALPHA).toBe(Number('1.6732632423543772848170429916717'));
    expect(SELU_SCALE).toBe(Number('1.0507009873554804934193349852946'));
    const { value, grad } = valueAndGrad((x) => selu.apply(x), [1, -1e4, 0, 2]);
    expect(value[0]).toBe(Math.fround(SELU_SCALE));
    expect(value[1]).toBeCloseTo(-SELU_SCALE * SELU_ALPHA, 6);
    expect(value[2]).toBe(0);
    expect(grad[2]).toBeCloseTo(SELU_SCALE * SELU_ALPHA, 6);
    expect(grad[3]).toBe(Math.fround(SELU_SCALE));
  });
  it('matches PyTorch in value and gradient on the grid', () => {
    expectMatchesTorch(selu, 'selu');
  });
  it('agrees with finite differences', () => {
    const { numeric, analytic } = finiteDifferenceCheck(selu, SMOOTH_POINTS);
    expectClose(analytic, numeric, 'selu FD', { rtol: 2e-3, atol: 1e-4 });
  });
  it('has the self-normalizing fixed point: z ~ N(0, 1) gives mean ≈ 0 and variance ≈ 1', () => {
    const n = 200_000;
    const z = new RandomStream(3).fillNormal(n);
    const before = tf.memory().numTensors;
    const t = tf.tidy(() => selu.apply(tf.tensor1d(z)));
    const y = t.dataSync();
    t.dispose();
    expect(tf.memory().numTensors).toBe(before);
    let mean = 0;
    for (const v of y) mean += v;
    mean /= n;
    let m2 = 0;
    for (const v of y) m2 += (v - mean) ** 2;
    const variance = m2 / (n - 1);
    // 4 standard errors: sd(selu(z)) = 1 for the mean; sd((selu(z) − μ)²) ≈ 1.23 (measured with 1e7
    // float64 PyTorch draws) for the variance.
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n));
    expect(Math.abs(variance - 1)).toBeLessThan((4 * 1.23) / Math.sqrt(n));
  });
  it('pairs with LeCun', () => {
    expect(selu.pairsWith).toBe('lecun');
    expect(selu.name).toBe('selu');
  });
});
