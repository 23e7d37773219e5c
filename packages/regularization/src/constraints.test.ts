import { isSteadygradError, registerGradients, type Scalar, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { getConstraint, maxNorm, minMaxNorm, nonNeg, unitNorm } from './constraints.js';

beforeAll(() => registerGradients());

const W = [
  [3, 0.1, 0],
  [4, 0.2, 0],
]; // column norms 5, ~0.2236, 0
const colNorms = [5, Math.hypot(0.1, 0.2), 0];

function applyTo(c: { apply(w: tf.Tensor): tf.Tensor }, w: number[][]): number[][] {
  return tf.tidy(() => c.apply(tf.tensor2d(w)).arraySync() as number[][]);
}

function columnNorms(w: number[][]): number[] {
  const cols = w[0]?.length ?? 0;
  return Array.from({ length: cols }, (_, j) => Math.hypot(...w.map((row) => row[j] as number)));
}

describe('maxNorm (Keras: w·clip(n, 0, c)/(ε + n), norms over axis 0)', () => {
  it('scales long columns to c, keeps short ones, zero stays zero', () => {
    const before = tf.memory().numTensors;
    const out = applyTo(maxNorm(1), W);
    W.forEach((row, i) => {
      row.forEach((w, j) => {
        const n = colNorms[j] as number;
        expect(out[i]?.[j]).toBeCloseTo((w * Math.min(n, 1)) / (1e-7 + n), 6);
      });
    });
    expect(columnNorms(out)[0]).toBeCloseTo(1, 6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('axis 1 takes norms per row; negative and multiple axes work', () => {
    const out = applyTo(maxNorm(1, { axis: 1 }), W);
    expect(Math.hypot(...(out[0] as number[]))).toBeCloseTo(1, 5);
    expect(applyTo(maxNorm(1, { axis: -1 }), W)).toEqual(out);
    const all = applyTo(maxNorm(2, { axis: [0, 1] }), W);
    expect(Math.hypot(...all.flat())).toBeCloseTo(2, 5);
  });

  it('default c = 2, axis 0 (Keras)', () => {
    expect(maxNorm().config).toEqual({ maxValue: 2, axis: 0 });
  });

  it('every kernel column norm <= c + 1e-6 after every manual SGD step + applyConstraints', () => {
    const c = 1;
    const model = new Sequential(
      [
        new Dense(4, { inputShape: [6], activation: 'relu', kernelConstraint: maxNorm(c) }),
        new Dense(2, { kernelConstraint: maxNorm(c) }),
      ],
      { seed: 3 },
    );
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(
      Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i)),
      [8, 6],
    );
    const y = tf.tensor2d(
      Array.from({ length: 8 * 2 }, (_, i) => 10 * Math.cos(i)),
      [8, 2],
    );
    const vars = model.trainableParameters.map((p) => p.variable);
    let exceededBeforeProjection = 0;
    for (let step = 0; step < 10; step++) {
      tf.tidy(() => {
        const { grads } = tf.variableGrads(
          () => tf.losses.meanSquaredError(y, model.apply(x, { training: true })) as Scalar,
          vars,
        );
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name] as tf.Tensor, 0.5)));
      });
      for (const layer of model.layers) {
        const k = (layer as Dense).kernel.variable;
        if (Math.max(...columnNorms(k.arraySync() as number[][])) > c + 1e-6) exceededBeforeProjection++;
      }
      model.applyConstraints();
      for (const layer of model.layers) {
        const norms = columnNorms((layer as Dense).kernel.variable.arraySync() as number[][]);
        for (const n of norms) expect(n).toBeLessThanOrEqual(c + 1e-6);
      }
    }
    expect(exceededBeforeProjection).toBeGreaterThan(0); // the constraint had work to do
    x.dispose();
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe('unitNorm, nonNeg, minMaxNorm', () => {
  it('unitNorm: w/(ε + n)', () => {
    const out = applyTo(unitNorm(), W);
    expect(columnNorms(out)[0]).toBeCloseTo(1, 6);
    expect(columnNorms(out)[1]).toBeCloseTo(1, 5);
    expect(out[0]?.[2]).toBe(0);
  });

  it('nonNeg zeroes negatives', () => {
    expect(
      applyTo(nonNeg(), [
        [-1, 2],
        [0, -0.5],
      ]),
    ).toEqual([
      [0, 2],
      [0, 0],
    ]);
  });

  it('minMaxNorm: w·(rate·clip(n, lo, hi) + (1−rate)·n)/(ε + n)', () => {
    const out = applyTo(minMaxNorm({ minValue: 0.5, maxValue: 1, rate: 0.5 }), W);
    const got = columnNorms(out);
    // column 0: n = 5 -> 0.5·1 + 0.5·5 = 3; column 1: n ≈ 0.2236 -> 0.5·0.5 + 0.5·0.2236
    expect(got[0]).toBeCloseTo(3, 5);
    expect(got[1]).toBeCloseTo(0.25 + 0.5 * (colNorms[1] as number), 5);
    expect(minMaxNorm().config).toEqual({ minValue: 0, maxValue: 1, rate: 1, axis: 0 });
  });
});

describe('validation and names', () => {
  it('non-positive max norm, bad rate, bad axis => INVALID_ARGUMENT', () => {
    const bad = [
      () => maxNorm(0),
      () => maxNorm(-1),
      () => minMaxNorm({ rate: 1.5 }),
      () => minMaxNorm({ minValue: 2, maxValue: 1 }),
      () => unitNorm({ axis: 0.5 }),
    ];
    for (const make of bad) {
      try {
        make();
        expect.unreachable();
      } catch (e) {
        expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
    expect(() => maxNorm(0)).toThrow(/maxNorm maxValue must be a finite number > 0, got 0/);
    expect(() => applyTo(maxNorm(1, { axis: 2 }), W)).toThrow(
      /axis 2 is out of range for a weight of rank 2/,
    );
  });

  it('getConstraint resolves Keras names', () => {
    expect(getConstraint('max_norm').config).toEqual({ maxValue: 2, axis: 0 });
    expect(getConstraint('NonNeg').name).toBe('non_neg');
    expect(getConstraint('unitNorm').name).toBe('unit_norm');
    const m = maxNorm(3);
    expect(getConstraint(m)).toBe(m);
    expect(() => getConstraint('max')).toThrow(/unknown constraint "max"\. Valid names: 'max_norm'/);
  });
});
