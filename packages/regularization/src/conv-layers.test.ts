// SpatialDropout2D and a per-filter max-norm meet real convolution layers (issue #22).
import { RandomStream, tf } from '@steadygrad/core';
import { Conv2D, Sequential } from '@steadygrad/nn';
import { describe, expect, it } from 'vitest';
import { maxNorm } from './constraints.js';
import { SpatialDropout2D } from './spatial-dropout.js';

describe('regularization on convolution layers', () => {
  it('SpatialDropout2D after Conv2D drops whole feature maps and scales the kept ones by 1/(1 − rate)', () => {
    const conv = new Conv2D({
      filters: 16,
      kernelSize: 3,
      padding: 'same',
      inputShape: [6, 6, 2],
      activation: 'relu',
    });
    const drop = new SpatialDropout2D({ rate: 0.5, seed: 3 });
    const model = new Sequential([conv, drop], { seed: 1 });
    model.build();
    const x = tf.randomUniform([8, 6, 6, 2], 0.1, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const plain = conv.apply(x);
    const y = model.apply(x, { training: true, rng: new RandomStream(9) });
    const [p, v] = [plain.arraySync() as number[][][][], y.arraySync() as number[][][][]];
    tf.dispose([plain, y]);
    expect(tf.memory().numTensors).toBe(before);
    let dropped = 0;
    let kept = 0;
    for (let b = 0; b < 8; b++) {
      for (let c = 0; c < 16; c++) {
        const map = v[b]!.flatMap((row) => row.map((px) => px[c]!));
        const ref = p[b]!.flatMap((row) => row.map((px) => px[c]!));
        if (ref.every((r) => r === 0)) continue; // a dead feature map says nothing
        if (map.every((m) => m === 0)) dropped++;
        else {
          for (const [i, m] of map.entries()) expect(m).toBeCloseTo(ref[i]! * 2, 5);
          kept++;
        }
      }
    }
    // Whole maps: every map is either all zero or entirely kept (checked above); both happen.
    expect(dropped).toBeGreaterThan(20);
    expect(kept).toBeGreaterThan(20);
    x.dispose();
    model.dispose();
  });

  it("maxNorm(c, { axis: [0, 1, 2] }) bounds every filter of a conv kernel (Keras's per-filter norm)", () => {
    const conv = new Conv2D({ filters: 5, kernelSize: 3, kernelConstraint: maxNorm(1, { axis: [0, 1, 2] }) });
    conv.build([null, 7, 7, 4], new RandomStream(0));
    // Filters 0–2 too long (norm 6), 3–4 short (norm 0.6); each filter is kernel[:, :, :, o].
    const values = Array.from({ length: 3 * 3 * 4 * 5 }, (_, i) => (i % 5 < 3 ? 1 : 0.1) * (i % 2 ? 1 : -1));
    const big = tf.tensor4d(values, [3, 3, 4, 5]);
    conv.kernel.assign(big);
    big.dispose();
    const before = tf.memory().numTensors;
    conv.applyConstraints();
    expect(tf.memory().numTensors).toBe(before);
    const k = conv.kernel.variable;
    const norms = tf.tidy(() => Array.from(tf.sqrt(tf.sum(tf.square(k), [0, 1, 2])).dataSync()));
    expect(norms.slice(0, 3).map((n) => Number(n.toFixed(5)))).toEqual([1, 1, 1]);
    expect(norms[3]).toBeCloseTo(0.6, 5);
    expect(norms[4]).toBeCloseTo(0.6, 5);
    const kv = k.dataSync();
    // Directions are kept: filter 0 is scaled by 1/6.
    expect(kv[0]).toBeCloseTo(-1 / 6, 5);
    conv.dispose();
  });
});
