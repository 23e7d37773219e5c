import { isSteadygradError, RandomStream, type Tensor, tf } from '@steadygrad/core';
import { Dense, Layer, Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { describe, expect, it } from 'vitest';
import { AlphaDropout } from './alpha-dropout.js';
import { Dropout } from './dropout.js';
import { mcPredict } from './mc-predict.js';

/** Records tf.memory().numTensors each time the model passes through it. */
class Probe extends Layer {
  readonly className = 'Probe';
  readonly counts: number[] = [];
  call(x: Tensor): Tensor {
    this.counts.push(tf.memory().numTensors);
    return tf.clone(x);
  }
}

function inputs(n: number, d: number, seed: number): Tensor {
  return tf.tensor(new RandomStream(seed).fillNormal(n * d), [n, d], 'float32');
}

function read(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

function disposeAll(r: { mean: Tensor; std: Tensor; entropy: Tensor }): void {
  r.mean.dispose();
  r.std.dispose();
  r.entropy.dispose();
}

describe('mcPredict', () => {
  it('leaves BatchNormalization moving statistics bit-identical (training: true would not)', () => {
    const bn = new BatchNormalization();
    const model = new Sequential(
      [
        new Dense(8, { inputShape: [4], activation: 'relu' }),
        bn,
        new Dropout(0.3),
        new Dense(3, { activation: 'softmax' }),
      ],
      { seed: 1 },
    );
    const x = inputs(12, 4, 2);
    tf.dispose(model.apply(x, { training: true, rng: new RandomStream(0) })); // move the stats off their init
    const snapshot = () => [read(bn.movingMean.variable), read(bn.movingVariance.variable)];
    const before = snapshot();
    const numTensors = tf.memory().numTensors;
    const r = mcPredict(model, x, { samples: 20, seed: 3 });
    expect(snapshot()).toEqual(before);
    disposeAll(r);
    expect(tf.memory().numTensors).toBe(numTensors);
    // the seed's model(X, training=True) moves them: the property above is not vacuous
    tf.dispose(model.apply(x, { training: true, rng: new RandomStream(1) }));
    expect(snapshot()).not.toEqual(before);
    x.dispose();
    model.dispose();
  });

  it('is reproducible from its seed; other seeds give other samples', () => {
    const model = new Sequential(
      [
        new Dense(6, { inputShape: [5], activation: 'elu' }),
        new Dropout(0.5),
        new Dense(4, { activation: 'softmax' }),
      ],
      {
        seed: 4,
      },
    );
    const x = inputs(7, 5, 5);
    const a = mcPredict(model, x, { samples: 10, seed: 9, batchSize: 3 });
    const b = mcPredict(model, x, { samples: 10, seed: 9, batchSize: 3 });
    const c = mcPredict(model, x, { samples: 10, seed: 10, batchSize: 3 });
    expect(read(b.mean)).toEqual(read(a.mean));
    expect(read(b.std)).toEqual(read(a.std));
    expect(read(b.entropy)).toEqual(read(a.entropy));
    expect(read(c.mean)).not.toEqual(read(a.mean));
    expect(a.mean.shape).toEqual([7, 4]);
    expect(a.std.shape).toEqual([7, 4]);
    expect(a.entropy.shape).toEqual([7]);
    for (const r of [a, b, c]) disposeAll(r);
    x.dispose();
    model.dispose();
  });

  it('mean and std are the sample mean/std of the stochastic passes; entropy of the mean', () => {
    const model = new Sequential(
      [
        new Dense(6, { inputShape: [3], activation: 'tanh' }),
        new Dropout(0.4),
        new Dense(3, { activation: 'softmax' }),
      ],
      {
        seed: 2,
      },
    );
    const x = inputs(4, 3, 8);
    const samples = 6;
    const r = mcPredict(model, x, { samples, seed: 21 });
    // replay the same masks by hand (same stream, same order) and stack them, as the seed's cell 38 does
    const rng = new RandomStream(21);
    const passes = Array.from({ length: samples }, () => {
      let h: Tensor = x;
      for (const layer of model.layers) {
        const next = layer.apply(h, { training: false, rng, mcDropout: true } as never);
        if (h !== x) h.dispose();
        h = next;
      }
      const v = read(h);
      h.dispose();
      return v;
    });
    const mean = read(r.mean);
    const std = read(r.std);
    mean.forEach((m, j) => {
      const col = passes.map((p) => p[j] as number);
      const mu = col.reduce((s, v) => s + v, 0) / samples;
      const sd = Math.sqrt(col.reduce((s, v) => s + (v - mu) ** 2, 0) / samples);
      expect(m).toBeCloseTo(mu, 6);
      expect(std[j]).toBeCloseTo(sd, 5);
    });
    const entropy = read(r.entropy);
    for (let i = 0; i < 4; i++) {
      const p = mean.slice(i * 3, i * 3 + 3);
      expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
      expect(entropy[i]).toBeCloseTo(-p.reduce((s, v) => s + v * Math.log(v), 0), 5);
    }
    expect(Math.max(...std)).toBeGreaterThan(0.01);
    disposeAll(r);
    x.dispose();
    model.dispose();
  });

  it('the MC mean converges to the deterministic prediction of a linear model (E[dropout(x)] = x)', () => {
    const model = new Sequential([new Dropout({ rate: 0.2, inputShape: [10] }), new Dense(3)], { seed: 6 });
    const x = inputs(5, 10, 3);
    const samples = 400;
    const r = mcPredict(model, x, { samples, seed: 1 });
    const det = model.apply(x);
    const [m, s, d] = [read(r.mean), read(r.std), read(det)];
    m.forEach((v, j) => {
      // 5 standard errors of a mean of `samples` draws
      expect(Math.abs(v - (d[j] as number))).toBeLessThan((5 * (s[j] as number)) / Math.sqrt(samples) + 1e-5);
    });
    expect(Math.min(...s)).toBeGreaterThan(0);
    det.dispose();
    disposeAll(r);
    x.dispose();
    model.dispose();
  });

  it('live tensors during the run do not grow with samples; none leak after', () => {
    const peak = (samples: number): number => {
      const probe = new Probe();
      const model = new Sequential(
        [new Dense(8, { inputShape: [4] }), new Dropout(0.3), probe, new Dense(2, { activation: 'softmax' })],
        {
          seed: 0,
        },
      );
      const x = inputs(6, 4, 1);
      const before = tf.memory().numTensors;
      const r = mcPredict(model, x, { samples, seed: 0 });
      disposeAll(r);
      expect(tf.memory().numTensors).toBe(before);
      expect(probe.counts.length).toBe(samples);
      x.dispose();
      model.dispose();
      return Math.max(...probe.counts) - before;
    };
    expect(peak(100)).toBe(peak(5));
  });

  it('works over batches (batchSize) and on binary sigmoid outputs', () => {
    const model = new Sequential([
      new Dense(5, { inputShape: [3], activation: 'selu', kernelInitializer: 'lecun_normal' }),
      new AlphaDropout(0.1),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    const x = inputs(10, 3, 4);
    const r = mcPredict(model, x, { samples: 5, batchSize: 4 });
    expect(r.mean.shape).toEqual([10, 1]);
    expect(r.entropy.shape).toEqual([10]);
    const p = read(r.mean);
    read(r.entropy).forEach((h, i) => {
      const q = p[i] as number;
      expect(h).toBeCloseTo(-(q * Math.log(q) + (1 - q) * Math.log(1 - q)), 5);
    });
    disposeAll(r);
    x.dispose();
    model.dispose();
  });

  it('warns about SELU with plain Dropout; validates its options', () => {
    const model = new Sequential([
      new Dense(4, { inputShape: [3], activation: 'selu', kernelInitializer: 'lecun_normal' }),
      new Dropout(0.2),
      new Dense(2, { activation: 'softmax' }),
    ]);
    const x = inputs(2, 3, 0);
    const messages: string[] = [];
    const warn = (m: string) => messages.push(m);
    disposeAll(mcPredict(model, x, { samples: 2, warn }));
    expect(messages.length).toBe(1);
    expect(messages[0]).toMatch(/selu.*AlphaDropout/);
    for (const bad of [{ samples: 0 }, { samples: 1.5 }, { batchSize: 0 }]) {
      try {
        mcPredict(model, x, bad);
        expect.unreachable();
      } catch (e) {
        expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      }
    }
    try {
      mcPredict({ layers: model.layers } as never, x);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toMatch(/apply\(x, ctx\)/);
    }
    x.dispose();
    model.dispose();
  });
});
