import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectByFlag } from './select-by-flag.js';

for (const backend of ['cpu', 'wasm']) {
  describe(`selectByFlag on ${backend}`, () => {
    afterAll(async () => {
      await tf.setBackend('cpu');
    });

    it('equals tf.where with a scalar condition, for bool and float flags, without leaks', async () => {
      await tf.setBackend(backend);
      await tf.ready();
      const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
      const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
      const before = tf.memory().numTensors;
      for (const [flag, expected] of [
        [tf.scalar(true, 'bool'), [1, 2, 3, 4]],
        [tf.scalar(false, 'bool'), [5, 6, 7, 8]],
        [tf.scalar(1), [1, 2, 3, 4]],
        [tf.tensor1d([0]), [5, 6, 7, 8]],
      ] as const) {
        const out = selectByFlag(flag, a, b);
        const ref = tf.tidy(() => tf.where(tf.cast(tf.reshape(flag, []), 'bool'), a, b));
        expect(Array.from(await out.data())).toEqual(expected);
        expect(Array.from(await out.data())).toEqual(Array.from(await ref.data()));
        tf.dispose([flag, out, ref]);
      }
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b]);
    });

    it('runs one kernel for a float32 pair and falls back to where for int32', async () => {
      await tf.setBackend(backend);
      const a = tf.ones([3, 3]);
      const b = tf.zeros([3, 3]);
      const ok = tf.scalar(true, 'bool');
      const names = (await tf.profile(() => selectByFlag(ok, a, b).dispose())).kernels.map((k) => k.name);
      expect(names.filter((n) => n === 'SteadygradSelectByFlag')).toHaveLength(1);
      expect(names).not.toContain('Tile');
      const ai = tf.ones([2], 'int32');
      const bi = tf.zeros([2], 'int32');
      const r = selectByFlag(ok, ai, bi);
      expect(Array.from(await r.data())).toEqual([1, 1]);
      tf.dispose([a, b, ok, ai, bi, r]);
    });
  });
}
