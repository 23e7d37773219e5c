import { isSteadygradError, RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { ALPHA_PRIME, AlphaDropout, alphaDropoutAffine } from './alpha-dropout.js';
import { GaussianDropout } from './gaussian-dropout.js';
import { GaussianNoise } from './gaussian-noise.js';
import { SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './spatial-dropout.js';
import { built, moments, run, standardNormal } from './test-utils/stats.js';

describe('AlphaDropout', () => {
  it("uses Keras/Klambauer constants: α' = −λα, a = ((1−p)(1+pα'²))^−½, b = −aα'p", () => {
    expect(ALPHA_PRIME).toBeCloseTo(-1.7580993408473766, 14);
    const { a, b } = alphaDropoutAffine(0.1);
    // closed form: for m ~ Bernoulli(1−p) and x ~ (0, 1): E[x·m + α'(1−m)] = pα', Var = (1−p)(1 + pα'²)
    const p = 0.1;
    const mean = p * ALPHA_PRIME;
    const variance = (1 - p) * 1 + p * ALPHA_PRIME ** 2 - mean ** 2;
    expect(variance).toBeCloseTo((1 - p) * (1 + p * ALPHA_PRIME ** 2), 12);
    expect(a).toBeCloseTo(1 / Math.sqrt(variance), 12);
    expect(a * mean + b).toBeCloseTo(0, 12);
  });

  it('keeps mean 0 / variance 1 inputs at mean 0 / variance 1 (statistically), drops a fraction rate', () => {
    const rate = 0.2;
    const n = 40000;
    const x = standardNormal([400, 100], 1);
    const before = tf.memory().numTensors;
    const y = run(built(new AlphaDropout({ rate, seed: 2 }), [100]), x, { training: true });
    expect(tf.memory().numTensors).toBe(before);
    const { mean, variance, m4 } = moments(y);
    // standard errors of the sample mean and sample variance from the sample itself
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt((m4 - variance ** 2) / n));
    const { a, b } = alphaDropoutAffine(rate);
    const droppedValue = Math.fround(a * ALPHA_PRIME + b);
    const dropped = y.filter((v) => v === droppedValue).length;
    expect(Math.abs(dropped / n - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / n));
    // kept units are a·x + b
    const xs = x.dataSync();
    let checked = 0;
    for (let i = 0; i < 200; i++) {
      if (y[i] === droppedValue) continue;
      expect(y[i]).toBeCloseTo(a * (xs[i] as number) + b, 5);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    x.dispose();
  });

  it('identity at inference; reproducible; rate checked', () => {
    const x = standardNormal([4, 5], 3);
    const layer = built(new AlphaDropout(0.3), [5]);
    expect(run(layer, x, {})).toEqual(x.dataSync());
    const a = run(layer, x, { training: true, rng: new RandomStream(9) });
    const b = run(built(new AlphaDropout(0.3), [5]), x, { training: true, rng: new RandomStream(9) });
    expect(b).toEqual(a);
    expect(() => new AlphaDropout(1)).toThrow(/AlphaDropout rate must be a finite number >= 0 < 1, got 1/);
    x.dispose();
  });
});

describe('GaussianDropout and GaussianNoise', () => {
  it('GaussianDropout: y = x·ε, ε ~ N(1, rate/(1−rate))', () => {
    const rate = 0.2;
    const n = 20000;
    const x = tf.ones([200, 100]);
    const y = run(built(new GaussianDropout({ rate, seed: 4 }), [100]), x, { training: true });
    const { mean, variance, m4 } = moments(y);
    const target = rate / (1 - rate);
    expect(Math.abs(mean - 1)).toBeLessThan(5 * Math.sqrt(target / n));
    expect(Math.abs(variance - target)).toBeLessThan(5 * Math.sqrt((m4 - variance ** 2) / n));
    expect(run(built(new GaussianDropout(rate), [100]), x, {})).toEqual(x.dataSync());
    expect(() => new GaussianDropout(-0.5)).toThrow(/GaussianDropout rate must be/);
    x.dispose();
  });

  it('GaussianNoise: y = x + ε, ε ~ N(0, stddev²)', () => {
    const n = 20000;
    const x = tf.fill([200, 100], 3);
    const y = run(built(new GaussianNoise({ stddev: 0.5, seed: 5 }), [100]), x, { training: true });
    const { mean, variance, m4 } = moments(y);
    expect(Math.abs(mean - 3)).toBeLessThan(5 * Math.sqrt(0.25 / n));
    expect(Math.abs(variance - 0.25)).toBeLessThan(5 * Math.sqrt((m4 - variance ** 2) / n));
    expect(run(built(new GaussianNoise(0.5), [100]), x, {})).toEqual(x.dataSync());
    try {
      new GaussianNoise(-1);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toContain('GaussianNoise stddev must be a finite number >= 0, got -1');
    }
    x.dispose();
  });
});

describe('SpatialDropout1D/2D/3D', () => {
  it('2D channels-last drops whole feature maps at rate, scaled by 1/(1−rate)', () => {
    const rate = 0.25;
    const [b, h, w, c] = [64, 3, 3, 16];
    const x = tf.ones([b, h, w, c]);
    const y = run(built(new SpatialDropout2D({ rate, seed: 6 }), [h, w, c]), x, { training: true });
    let droppedMaps = 0;
    const keep = Math.fround(1 / (1 - rate));
    for (let s = 0; s < b; s++) {
      for (let ch = 0; ch < c; ch++) {
        const values = new Set<number>();
        for (let i = 0; i < h * w; i++) values.add(y[s * h * w * c + i * c + ch] as number);
        expect(values.size).toBe(1);
        const [v] = [...values];
        if (v === 0) droppedMaps++;
        else expect(v).toBe(keep);
      }
    }
    const maps = b * c;
    expect(Math.abs(droppedMaps / maps - rate)).toBeLessThan(5 * Math.sqrt((rate * (1 - rate)) / maps));
    x.dispose();
  });

  it('channels-first and 1D/3D mask shapes; rank is checked', () => {
    const x = tf.ones([8, 4, 5]);
    const y = run(
      built(new SpatialDropout1D({ rate: 0.5, seed: 1, dataFormat: 'channels_first' }), [4, 5]),
      x,
      {
        training: true,
      },
    );
    for (let i = 0; i < 8 * 4; i++) expect(new Set(y.subarray(i * 5, i * 5 + 5)).size).toBe(1);
    const x3 = tf.ones([2, 2, 2, 2, 3]);
    const y3 = run(built(new SpatialDropout3D({ rate: 0.5, seed: 1 }), [2, 2, 2, 3]), x3, { training: true });
    for (let s = 0; s < 2; s++) {
      for (let ch = 0; ch < 3; ch++) {
        const vals = new Set<number>();
        for (let i = 0; i < 8; i++) vals.add(y3[s * 24 + i * 3 + ch] as number);
        expect(vals.size).toBe(1);
      }
    }
    expect(() => built(new SpatialDropout2D({ rate: 0.5 }), [4, 5])).toThrow(
      /'spatial_dropout2d' \(SpatialDropout2D\) expects inputs of rank 4/,
    );
    expect(() => new SpatialDropout2D({ rate: 0.5, dataFormat: 'nhwc' as 'channels_last' })).toThrow(
      /dataFormat must be one of 'channels_last', 'channels_first'/,
    );
    x.dispose();
    x3.dispose();
  });
});
