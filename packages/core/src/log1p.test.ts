import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from './gradients.js';
import { log1pExact } from './log1p.js';
import { tf } from './tf.js';

describe('log1pExact', () => {
  beforeAll(() => registerGradients());
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matches float64 log1p to 2 ulps from 1e-30 to 1e6 on ${backend}, and its gradient is 1/(1 + t)`, async () => {
      const previous = tf.getBackend();
      if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
      else await import('@tensorflow/tfjs-backend-cpu');
      await tf.setBackend(backend);
      try {
        const ts = [0, 1e-30, 1e-12, 6e-8, 1e-7, 1e-4, 0.1, 0.5, 1, 3, 1e3, 1e6];
        const f32 = Float32Array.from(ts);
        const before = tf.memory().numTensors;
        const t = tf.tensor1d(f32);
        const y = log1pExact(t);
        const g = tf.grad((x: tf.Tensor) => tf.sum(log1pExact(x)))(t);
        const got = y.dataSync();
        const grad = g.dataSync();
        for (const [i, v] of f32.entries()) {
          const exact = Math.log1p(v);
          const ulp = exact === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(exact))) - 23);
          expect(Math.abs((got[i] as number) - exact), `log1p(${v})`).toBeLessThanOrEqual(2 * ulp);
          expect(grad[i] as number).toBeCloseTo(1 / (1 + v), 6);
        }
        // tf.log1p on wasm loses the tiny arguments this exists for (0 instead of ~1e-12).
        expect(got[2]).toBeGreaterThan(0);
        tf.dispose([t, y, g]);
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        await tf.setBackend(previous);
      }
    });
  }
});
