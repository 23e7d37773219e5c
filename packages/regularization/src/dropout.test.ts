import { isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { describe, expect, it } from 'vitest';
import { Dropout } from './dropout.js';
import { built, moments, run } from './test-utils/stats.js';

describe('Dropout (inverted)', () => {
  const rows = 200;
  const cols = 100;
  const n = rows * cols;

  it('drops a fraction rate of units and scales the kept ones by 1/(1 − rate); E[y] = x', () => {
    const rate = 0.3;
    const layer = built(new Dropout({ rate, seed: 7 }), [cols]);
    const x = tf.ones([rows, cols]);
    const before = tf.memory().numTensors;
    const y = run(layer, x, { training: true });
    expect(tf.memory().numTensors).toBe(before);
    const keep = Math.fround(1 / (1 - rate));
    let dropped = 0;
    let other = 0;
    for (const v of y) {
      if (v === 0) dropped++;
      else if (v !== keep) other++;
    }
    expect(other).toBe(0);
    const sigma = Math.sqrt((rate * (1 - rate)) / n); // binomial standard error of the fraction
    expect(Math.abs(dropped / n - rate)).toBeLessThan(5 * sigma);
    // preserved expectation: mean output = (1 − p̂)/(1 − rate), standard error sigma/(1 − rate)
    expect(Math.abs(moments(y).mean - 1)).toBeLessThan((5 * sigma) / (1 - rate));
    x.dispose();
  });

  it('is the identity at inference (and with rate 0)', () => {
    const x = tf.tensor2d([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    const layer = built(new Dropout({ rate: 0.5 }), [3]);
    expect(Array.from(run(layer, x, {}))).toEqual([1, -2, 3, 4, 5, -6]);
    expect(Array.from(run(layer, x, { training: false }))).toEqual([1, -2, 3, 4, 5, -6]);
    expect(Array.from(run(built(new Dropout(0), [3]), x, { training: true }))).toEqual([1, -2, 3, 4, 5, -6]);
    x.dispose();
  });

  it('drops under mcDropout with training false', () => {
    const x = tf.ones([50, 40]);
    const y = run(built(new Dropout({ rate: 0.5, seed: 1 }), [40]), x, { training: false, mcDropout: true });
    const zeros = y.filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(800);
    expect(zeros).toBeLessThan(1200);
    x.dispose();
  });

  it('is reproducible from its seed, and uses ctx.rng when given', () => {
    const x = tf.ones([20, 30]);
    const a = run(built(new Dropout({ rate: 0.4, seed: 11 }), [30]), x, { training: true });
    const b = run(built(new Dropout({ rate: 0.4, seed: 11 }), [30]), x, { training: true });
    const c = run(built(new Dropout({ rate: 0.4, seed: 12 }), [30]), x, { training: true });
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // ctx.rng wins over the layer's own stream
    const r1 = run(built(new Dropout({ rate: 0.4, seed: 1 }), [30]), x, {
      training: true,
      rng: new RandomStream(5),
    });
    const r2 = run(built(new Dropout({ rate: 0.4, seed: 2 }), [30]), x, {
      training: true,
      rng: new RandomStream(5),
    });
    expect(r2).toEqual(r1);
    // successive calls draw new masks
    const layer = built(new Dropout({ rate: 0.4, seed: 11 }), [30]);
    expect(run(layer, x, { training: true })).toEqual(a);
    expect(run(layer, x, { training: true })).not.toEqual(a);
    x.dispose();
  });

  it('without a seed, a Sequential seed fixes the masks', () => {
    const make = (seed: number) =>
      new Sequential([new Dense(8, { inputShape: [4] }), new Dropout(0.5)], { seed });
    const x = tf.ones([16, 4]);
    const [m1, m2, m3] = [make(3), make(3), make(4)];
    const ys = [m1, m2, m3].map((m) => {
      const y = m.apply(x, { training: true });
      const v = Array.from(y.dataSync()).map((u) => u === 0);
      y.dispose();
      return v;
    });
    expect(ys[1]).toEqual(ys[0]);
    expect(ys[2]).not.toEqual(ys[0]);
    for (const m of [m1, m2, m3]) m.dispose();
    x.dispose();
  });

  it('noiseShape shares one draw along axes of size 1', () => {
    const x = tf.ones([64, 10]);
    const y = run(built(new Dropout({ rate: 0.5, seed: 3, noiseShape: [null, 1] }), [10]), x, {
      training: true,
    });
    let droppedRows = 0;
    for (let r = 0; r < 64; r++) {
      const row = Array.from(y.subarray(r * 10, r * 10 + 10));
      expect(new Set(row).size).toBe(1);
      if (row[0] === 0) droppedRows++;
    }
    expect(droppedRows).toBeGreaterThan(12);
    expect(droppedRows).toBeLessThan(52);
    const layer = built(new Dropout({ rate: 0.5, noiseShape: [null, 3] }), [10]);
    expect(() => layer.apply(x, { training: true })).toThrow(
      /noiseShape entry 1 must be null, 1 or the input's size 10, got 3/,
    );
    x.dispose();
  });

  it('rejects rates outside [0, 1) with INVALID_ARGUMENT', () => {
    for (const rate of [-0.1, 1, 1.5, Number.NaN]) {
      try {
        new Dropout({ rate });
        expect.unreachable();
      } catch (e) {
        expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
        expect((e as Error).message).toMatch(/Dropout rate must be a finite number >= 0 < 1, got/);
      }
    }
    expect(() => new Dropout({ rate: 0.1, seed: -1 })).toThrow(/seed must be an integer in \[0, 2\^32\)/);
  });

  it('names, config, not-built and shape errors', () => {
    const m = new Sequential([new Dense(3, { inputShape: [2] }), new Dropout(0.2), new Dropout(0.1)]);
    expect(m.layers.map((l) => l.name)).toEqual(['dense', 'dropout', 'dropout_1']);
    expect(m.layers[1]?.getConfig()).toMatchObject({ name: 'dropout', rate: 0.2 });
    expect(m.summary({ print: () => {} }).layers[1]).toMatchObject({ className: 'Dropout', params: 0 });
    const x = tf.ones([2, 2]);
    expect(() => new Dropout(0.2).apply(x)).toThrow(/is not built/);
    expect(() => built(new Dropout(0.2), [3]).apply(x)).toThrow(
      /expects input shape \(None, 3\), got \[2, 2\]/,
    );
    x.dispose();
    m.dispose();
  });
});
