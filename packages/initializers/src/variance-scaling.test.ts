import { isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { draw, expectSameValues } from './test-utils/draw.js';
import {
  type EvenMoments,
  K_SIGMA,
  normalMass,
  normalMoments,
  sampleStats,
  tolerances,
  truncatedMoments,
  truncatedNormalMoment,
  uniformMoments,
} from './test-utils/stats.js';
import { TRUNCATED_NORMAL_STD_RATIO } from './truncated-normal.js';
import {
  type FanMode,
  type VarianceScalingDistribution,
  varianceScaling,
  varianceScalingStats,
} from './variance-scaling.js';

// A dense kernel (fanIn 400, fanOut 250, fanAvg 325) and a conv kernel (fanIn 3·3·64 = 576, fanOut 3·3·128 = 1152).
const DENSE = [400, 250];
const CONV = [3, 3, 64, 128];
const FANS: Record<string, Record<FanMode, number>> = {
  dense: { fanIn: 400, fanOut: 250, fanAvg: 325 },
  conv: { fanIn: 576, fanOut: 1152, fanAvg: 864 },
};

function exactMoments(distribution: VarianceScalingDistribution, variance: number): EvenMoments {
  if (distribution === 'truncatedNormal')
    return truncatedMoments(Math.sqrt(variance) / TRUNCATED_NORMAL_STD_RATIO);
  if (distribution === 'untruncatedNormal') return normalMoments(Math.sqrt(variance));
  return uniformMoments(Math.sqrt(3 * variance));
}

describe('varianceScaling: draws match scale / fan (Keras 3 semantics)', () => {
  const cases: [string, number[], number, FanMode, VarianceScalingDistribution][] = [];
  for (const [label, shape] of [
    ['dense', DENSE],
    ['conv', CONV],
  ] as const) {
    for (const mode of ['fanIn', 'fanOut', 'fanAvg'] as const) {
      for (const distribution of ['truncatedNormal', 'untruncatedNormal', 'uniform'] as const) {
        cases.push([label, [...shape], mode === 'fanAvg' ? 2 : 1.5, mode, distribution]);
      }
    }
  }

  it.each(cases)('%s %j scale %d %s %s', (label, shape, scale, mode, distribution) => {
    const variance = scale / FANS[label]![mode];
    const stats = varianceScalingStats(shape, { scale, mode, distribution });
    expect(stats.fan).toBe(FANS[label]![mode]);
    expect(stats.variance).toBeCloseTo(variance, 15);

    const values = draw(varianceScaling({ scale, mode, distribution }), shape, 7);
    const s = sampleStats(values);
    const exact = exactMoments(distribution, variance);
    expect(exact.m2).toBeCloseTo(variance, 15); // the distribution's variance is exactly scale / fan
    const tol = tolerances(exact, s.n);
    expect(Math.abs(s.mean)).toBeLessThan(tol.mean);
    expect(Math.abs(s.m2 - variance)).toBeLessThan(tol.m2);
    expect(Math.abs(s.m4 - exact.m4)).toBeLessThan(tol.m4);

    if (distribution === 'truncatedNormal') {
      const sigma = Math.sqrt(variance) / TRUNCATED_NORMAL_STD_RATIO;
      expect(stats.parameter).toBeCloseTo(sigma, 15);
      expect(stats.bound).toBeCloseTo(2 * sigma, 15);
      expect(s.maxAbs).toBeLessThanOrEqual(2 * sigma * (1 + 1e-6));
    } else if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      expect(stats.parameter).toBeCloseTo(limit, 15);
      expect(s.maxAbs).toBeLessThanOrEqual(limit * (1 + 1e-6));
      // P(max |x| < L·(1 − 20/n)) = (1 − 20/n)^n ≈ e^−20: the draws do reach the limit.
      expect(s.maxAbs).toBeGreaterThan(limit * (1 - 20 / s.n));
    } else {
      expect(stats.bound).toBe(Number.POSITIVE_INFINITY);
      // Untruncated tails: the fraction beyond the truncated bound 2σ' = 2.27σ matches P(|z| > 2.27) = 2.3%.
      const t = 2 / TRUNCATED_NORMAL_STD_RATIO;
      const p = 1 - normalMass(t);
      let beyond = 0;
      for (const x of values) if (Math.abs(x) > t * Math.sqrt(variance)) beyond++;
      expect(Math.abs(beyond / s.n - p)).toBeLessThan(K_SIGMA * Math.sqrt((p * (1 - p)) / s.n));
    }
  });
});

describe('varianceScaling: the two tfjs-layers bugs are absent', () => {
  const shape = [500, 200]; // fanIn 500
  const variance = 2 / 500; // he_normal-like
  const values = draw(
    varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' }),
    shape,
    3,
  );
  const s = sampleStats(values);
  const exact = truncatedMoments(Math.sqrt(variance) / TRUNCATED_NORMAL_STD_RATIO);
  const tol = tolerances(exact, s.n);

  it('truncated-normal variance is scale / fan, not 0.774 × scale / fan (tfjs omits the 0.8796 correction)', () => {
    const tfjsVariance = truncatedNormalMoment(2) * variance; // what an uncorrected ±2σ truncation gives
    expect(tfjsVariance / variance).toBeCloseTo(0.7737, 4);
    expect(Math.abs(s.m2 - variance)).toBeLessThan(tol.m2);
    // Rejected at K sigma under the tfjs distribution's own sampling error.
    const tfjs = truncatedMoments(Math.sqrt(variance));
    expect(tfjs.m2).toBeCloseTo(tfjsVariance, 15);
    expect(Math.abs(s.m2 - tfjs.m2)).toBeGreaterThan(tolerances(tfjs, s.n).m2);
    // The two K-sigma bands are disjoint, so the test separates the two behaviours.
    expect(variance - tfjsVariance).toBeGreaterThan(tol.m2 + tolerances(tfjs, s.n).m2);
  });

  it("'truncatedNormal' draws a truncated normal, not a uniform (tfjs draws uniform for 'truncated_normal')", () => {
    const uniform = uniformMoments(Math.sqrt(3 * variance)); // a uniform with the same variance
    // Kurtosis: truncated normal 2.366, uniform 1.8.
    expect(exact.m4 / exact.m2 ** 2).toBeCloseTo(2.3655, 3);
    expect(uniform.m4 / uniform.m2 ** 2).toBeCloseTo(1.8, 12);
    expect(Math.abs(s.m4 - exact.m4)).toBeLessThan(tol.m4);
    expect(Math.abs(s.m4 - uniform.m4)).toBeGreaterThan(tolerances(uniform, s.n).m4);
    expect(exact.m4 - uniform.m4).toBeGreaterThan(tol.m4 + tolerances(uniform, s.n).m4);
    // Extremes: a uniform with this variance never exceeds sqrt(3·variance); the truncated normal goes to
    // 2σ' = 2.27·sqrt(variance), and P(|x| > sqrt(3·variance)) = 8.6%.
    const uniformLimit = Math.sqrt(3 * variance);
    let beyond = 0;
    for (const x of values) if (Math.abs(x) > uniformLimit) beyond++;
    // P(|z| > sqrt(3)·0.8796) for z ~ N(0,1) truncated to ±2
    const p = (normalMass(2) - normalMass(Math.sqrt(3) * TRUNCATED_NORMAL_STD_RATIO)) / normalMass(2);
    expect(p).toBeCloseTo(0.086, 3);
    const n = values.length;
    expect(Math.abs(beyond / n - p)).toBeLessThan(K_SIGMA * Math.sqrt((p * (1 - p)) / n));
  });

  it("'normal' (Keras 2 / tfjs alias) is the corrected truncated normal too", () => {
    const a = draw(varianceScaling({ scale: 2, distribution: 'normal' }), shape, 3);
    expectSameValues(a, values);
  });
});

describe('varianceScaling: options, spellings, config', () => {
  it('has the Keras defaults: scale 1, fanIn, truncatedNormal', () => {
    const init = varianceScaling();
    expect(init.name).toBe('variance_scaling');
    expect(init.config).toEqual({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
    expect(draw(init, [30, 20], 5)).toEqual(
      draw(varianceScaling({ scale: 1, mode: 'fan_in', distribution: 'truncated_normal' }), [30, 20], 5),
    );
  });

  it('seed cell 2 reads naturally and draws U(±sqrt(3·2/fanAvg))', () => {
    const init = varianceScaling({ scale: 2, mode: 'fanAvg', distribution: 'uniform' });
    expect(init.config).toEqual({ scale: 2, mode: 'fanAvg', distribution: 'uniform' });
    const { parameter } = varianceScalingStats([784, 300], init.config);
    expect(parameter).toBeCloseTo(Math.sqrt((3 * 2) / 542), 15);
  });

  it('accepts the Keras spellings and stores the canonical ones (same draws)', () => {
    const pairs = [
      [
        { mode: 'fan_out', distribution: 'untruncated_normal' },
        { mode: 'fanOut', distribution: 'untruncatedNormal' },
      ],
      [
        { mode: 'fan_avg', distribution: 'uniform' },
        { mode: 'fanAvg', distribution: 'uniform' },
      ],
    ] as const;
    for (const [keras, camel] of pairs) {
      const a = varianceScaling({ scale: 3, ...keras });
      expect(a.config).toEqual({ scale: 3, ...camel });
      expect(draw(a, [6, 9], 1)).toEqual(draw(varianceScaling({ scale: 3, ...camel }), [6, 9], 1));
    }
  });

  it('floors the fan at 1 (Keras max(1, fan)) for empty and scalar shapes', () => {
    expect(varianceScalingStats([0, 5], { mode: 'fanIn' }).fan).toBe(1);
    expect(varianceScalingStats([], {}).variance).toBe(1);
    const empty = draw(varianceScaling(), [0, 5]);
    expect(empty.length).toBe(0);
  });

  it('is deterministic by seed and draws from the stream it is given', () => {
    const init = varianceScaling({ distribution: 'uniform' });
    expect(draw(init, [10, 10], 42)).toEqual(draw(init, [10, 10], 42));
    expect(draw(init, [10, 10], 42)).not.toEqual(draw(init, [10, 10], 43));
    const rng = new RandomStream(42);
    const a = init.init([10, 10], rng);
    const b = init.init([10, 10], rng); // the stream advanced
    expect(Array.from(b.dataSync())).not.toEqual(Array.from(a.dataSync()));
    expect(Array.from(a.dataSync())).toEqual(Array.from(draw(init, [10, 10], 42)));
    tf.dispose([a, b]);
  });

  it('rejects a bad scale, mode, distribution or shape with a clear error', () => {
    const expectError = (fn: () => unknown, code: string, pattern: RegExp) => {
      let caught: unknown;
      try {
        fn();
      } catch (e) {
        caught = e;
      }
      expect(isSteadygradError(caught, code as 'INVALID_ARGUMENT')).toBe(true);
      expect((caught as Error).message).toMatch(pattern);
    };
    expectError(
      () => varianceScaling({ scale: 0 }),
      'INVALID_ARGUMENT',
      /scale must be a finite number > 0, got 0/,
    );
    expectError(() => varianceScaling({ scale: -2 }), 'INVALID_ARGUMENT', /scale must be .* > 0, got -2/);
    expectError(() => varianceScaling({ scale: Number.NaN }), 'INVALID_ARGUMENT', /scale/);
    expectError(
      () => varianceScaling({ mode: 'fan_sum' as never }),
      'INVALID_ARGUMENT',
      /mode must be one of 'fanIn', 'fanOut', 'fanAvg', 'fan_in', 'fan_out', 'fan_avg', got "fan_sum"/,
    );
    expectError(
      () => varianceScaling({ distribution: 'gaussian' as never }),
      'INVALID_ARGUMENT',
      /distribution must be one of 'truncatedNormal', .*'uniform'.*, got "gaussian"/,
    );
    const init = varianceScaling();
    expectError(
      () => init.init([3, -1], new RandomStream(0)),
      'INVALID_ARGUMENT',
      /non-negative integers.*\[3,-1\]/,
    );
    expectError(() => init.init([2.5], new RandomStream(0)), 'INVALID_ARGUMENT', /shape must be an array/);
    expectError(() => init.init('3x3' as never, new RandomStream(0)), 'INVALID_ARGUMENT', /got "3x3"/);
  });
});
