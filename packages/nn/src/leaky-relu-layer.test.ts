import { RandomStream, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Dense } from './dense.js';
import { LeakyReLU } from './leaky-relu-layer.js';
import { Sequential } from './sequential.js';

describe('LeakyReLU layer', () => {
  it('seed cell 3: Dense(10, he_normal) then LeakyReLU(alpha=0.2)', () => {
    const model = new Sequential([
      new Dense(10, { kernelInitializer: 'he_normal', inputShape: [4] }),
      new LeakyReLU({ alpha: 0.2 }),
    ]);
    expect(model.layers.map((l) => l.name)).toEqual(['dense', 'leaky_re_lu']);
    expect(model.outputShape).toEqual([null, 10]);
    const x = tf.tensor2d([[-1, 2, 0, -3]]);
    const layer = new LeakyReLU({ alpha: 0.2 });
    layer.build([null, 4], new RandomStream(0));
    const y = layer.apply(x);
    Array.from(y.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo([-0.2, 2, 0, -0.6][i] as number, 6);
    });
    expect(new LeakyReLU().alpha).toBe(0.3);
    expect(() => new LeakyReLU({ alpha: -1 })).toThrow(/alpha must be a finite number >= 0/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
