import { describe, expect, it } from 'vitest';
import { exactComparison, predictionComparison, summarize, welchComparison } from './comparison.js';

describe('welchComparison', () => {
  it('matches a hand computation on small samples', () => {
    // ours = [1, 2, 3]: mean 2, s 1; Keras = [2, 4, 6]: mean 4, s 2. SE = sqrt(1/3 + 4/3) = sqrt(5/3).
    const a = summarize([1, 2, 3]);
    const b = summarize([2, 4, 6]);
    expect(a).toEqual({ mean: 2, std: 1, n: 3 });
    expect(b).toEqual({ mean: 4, std: 2, n: 3 });
    const c = welchComparison(a, b);
    expect(c.method).toBe('welch');
    expect(c.difference).toBe(-2);
    expect(c.scale).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(c.ratio).toBeCloseTo(2 / Math.sqrt(5 / 3), 12);
    expect(c.welch?.t).toBeCloseTo(-2 / Math.sqrt(5 / 3), 12);
    // df = (5/3)² / ((1/3)²/2 + (4/3)²/2) = 50/17.
    expect(c.welch?.df).toBeCloseTo(50 / 17, 12);
    expect(c.withinNoise).toBe(true); // 2 ≤ 2.582
  });

  it('the issue’s cell 5 gap is 5.9 standard errors: not within noise', () => {
    // steadygrad 0.8800 ± 0.0027 vs Keras 0.8726 ± 0.0015, 6 seeds each (issue #25).
    const c = welchComparison({ mean: 0.88, std: 0.0027, n: 6 }, { mean: 0.8726, std: 0.0015, n: 6 });
    // SE = sqrt(0.0027²/6 + 0.0015²/6) = sqrt(1.215e-6 + 3.75e-7) = sqrt(1.59e-6) = 0.00126095.
    expect(c.scale).toBeCloseTo(0.00126095, 7);
    expect(c.difference).toBeCloseTo(0.0074, 12);
    expect(c.ratio).toBeCloseTo(5.8686, 3);
    expect(c.welch?.df).toBeCloseTo(7.818, 2);
    expect(c.withinNoise).toBe(false);
  });

  it('no spread on either side: within noise only when equal', () => {
    expect(welchComparison(summarize([3, 3]), summarize([3, 3]))).toMatchObject({
      ratio: 0,
      withinNoise: true,
    });
    expect(welchComparison(summarize([3, 3]), summarize([2, 2]))).toMatchObject({
      ratio: Infinity,
      withinNoise: false,
    });
  });
});

describe('predictionComparison', () => {
  it('one steadygrad value against Keras seeds: |x − m| ≤ t₀.₉₇₅,ₙ₋₁·s·√(1 + 1/n) (hand-computed)', () => {
    // Keras [1, 2, 3, 4, 5]: m = 3, s² = 10/4 = 2.5; s·√(1 + 1/5) = √3 = 1.7321; t(0.975, 4 df) = 2.7764;
    // bound = 2.7764·1.7321 = 4.8089.
    const keras = summarize([1, 2, 3, 4, 5]);
    const inside = predictionComparison(summarize([7.8]), keras);
    expect(inside.method).toBe('prediction');
    expect(inside.single).toBe('steadygrad');
    expect(inside.scale).toBeCloseTo(Math.sqrt(3), 12);
    expect(inside.limit).toBeCloseTo(2.776445, 5);
    expect(inside.difference).toBeCloseTo(4.8, 12);
    expect(inside.ratio).toBeCloseTo(4.8 / Math.sqrt(3), 12); // 2.771
    expect(inside.withinNoise).toBe(true); // 4.8 ≤ 4.8089
    const outside = predictionComparison(summarize([7.9]), keras);
    expect(outside.withinNoise).toBe(false); // 4.9 > 4.8089
    expect(predictionComparison(summarize([-1.8]), keras).withinNoise).toBe(true); // |−4.8|
    // The plain Welch rule would have said "differs": SE = s/√5 = 0.7071, 4.8 = 6.8 SE.
    expect(welchComparison(summarize([7.8]), keras).withinNoise).toBe(false);
  });

  it('symmetrically: steadygrad seeds against one Keras value', () => {
    // ours [0.86, 0.87, 0.88]: m = 0.87, s = 0.01; t(0.975, 2 df) = 4.3027; bound 4.3027·0.01·√(4/3) = 0.049683.
    const c = predictionComparison(summarize([0.86, 0.87, 0.88]), summarize([0.919]));
    expect(c.single).toBe('keras');
    expect(c.scale).toBeCloseTo(0.01 * Math.sqrt(4 / 3), 12);
    expect(c.limit).toBeCloseTo(4.302653, 5);
    expect(c.difference).toBeCloseTo(-0.049, 12);
    expect(c.withinNoise).toBe(true);
    expect(predictionComparison(summarize([0.86, 0.87, 0.88]), summarize([0.92])).withinNoise).toBe(false);
  });

  it('needs exactly one single value against ≥ 2', () => {
    expect(() => predictionComparison(summarize([1]), summarize([1]))).toThrow(RangeError);
    expect(() => predictionComparison(summarize([1, 2]), summarize([1, 2]))).toThrow(
      'a prediction interval needs one value against ≥ 2, got 2 and 2',
    );
  });
});

describe('exactComparison', () => {
  it('equal or not', () => {
    expect(exactComparison(summarize([271346]), summarize([271346]))).toMatchObject({
      method: 'exact',
      difference: 0,
      withinNoise: true,
    });
    expect(exactComparison(summarize([2]), summarize([1]))).toMatchObject({
      difference: 1,
      withinNoise: false,
    });
  });
});
