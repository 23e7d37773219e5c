import { RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { RReLU } from './rrelu.js';

describe('RReLU', () => {
  it('uses the mean slope at inference and seeded random slopes in [lower, upper] in training', () => {
    const layer = new RReLU({ lower: 0.1, upper: 0.3 });
    expect(layer.name).toBe('r_re_lu');
    layer.build([null, 4], new RandomStream(0));
    const x = tf.tensor2d([[-1, -2, 3, -4]]);
    const y = layer.apply(x);
    const inference = Array.from(y.dataSync());
    [-0.2, -0.4, 3, -0.8].forEach((v, i) => {
      expect(inference[i]).toBeCloseTo(v, 6);
    });
    const before = tf.memory().numTensors;
    const a = layer.apply(x, { training: true, rng: new RandomStream(3) });
    const b = layer.apply(x, { training: true, rng: new RandomStream(3) });
    const va = Array.from(a.dataSync());
    expect(va).toEqual(Array.from(b.dataSync()));
    const slopes = [va[0]! / -1, va[1]! / -2, va[3]! / -4];
    for (const s of slopes) {
      expect(s).toBeGreaterThanOrEqual(0.1 - 1e-7);
      expect(s).toBeLessThanOrEqual(0.3 + 1e-7);
    }
    expect(va[2]).toBe(3);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => layer.apply(x, { training: true })).toThrow(
      /layer 'r_re_lu' \(RReLU\) draws random slopes in training: call it with ctx.rng/,
    );
    expect(() => new RReLU({ lower: 0.5, upper: 0.1 })).toThrow(/upper must be a finite number >= 0.5/);
    tf.dispose([x, y]);
  });
});
