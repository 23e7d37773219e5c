import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerGradients } from '../../gradients.js';
import { lazyGradOp } from './lazy-grad.js';

/** y = a ⊙ b with a log of which gradient functions ran and what `prepare` was told. */
function product(a: tf.Tensor, b: tf.Tensor, log: string[]): tf.Tensor {
  return lazyGradOp(
    { a, b },
    (save) => {
      save([a, b]);
      return tf.mul(a, b);
    },
    (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor];
      // Shared work done in prepare lives in the backward pass's scope (freed when it ends).
      let shared: tf.Tensor | undefined;
      return {
        prepare: (first) => {
          log.push(`prepare:${first}`);
          shared = tf.mul(dy, 1);
        },
        grads: {
          a: () => {
            log.push('a');
            return tf.mul(shared ?? dy, sb);
          },
          b: () => {
            log.push('b');
            return tf.mul(shared ?? dy, sa);
          },
        },
      };
    },
  );
}

describe('lazyGradOp', () => {
  beforeAll(() => registerGradients());

  it('runs only the gradient functions of the inputs being differentiated', () => {
    const a = tf.variable(tf.tensor1d([1, 2, 3]));
    const b = tf.tensor1d([4, 5, 6]);
    const log: string[] = [];
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => tf.sum(product(a, b, log)) as tf.Scalar, [a]);
    expect(value.dataSync()[0]).toBe(32);
    expect(Array.from(grads[a.name]!.dataSync())).toEqual([4, 5, 6]);
    expect(log).toEqual(['prepare:a', 'a']);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('tells prepare the first needed input (b when a needs no gradient) and frees what it made', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([4, 5, 6]);
    const log: string[] = [];
    const before = tf.memory().numTensors;
    const gb = tf.grad((bb: tf.Tensor) => tf.sum(product(a, bb, log)))(b);
    expect(Array.from(gb.dataSync())).toEqual([1, 2, 3]);
    expect(log).toEqual(['prepare:b', 'b']);
    gb.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('computes both gradients when both are asked for, and records nothing without a tape', () => {
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.tensor1d([4, 5, 6]);
    const log: string[] = [];
    const [ga, gb] = tf.grads((aa: tf.Tensor, bb: tf.Tensor) => tf.sum(product(aa, bb, log)))([a, b]);
    expect(Array.from(ga!.dataSync())).toEqual([4, 5, 6]);
    expect(Array.from(gb!.dataSync())).toEqual([1, 2, 3]);
    expect(log).toEqual(['prepare:a', 'a', 'b']);
    const before = tf.memory().numTensors;
    const y = product(a, b, log);
    expect(Array.from(y.dataSync())).toEqual([4, 10, 18]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, ga!, gb!]);
  });
});

describe('lazyGradOp saved tensors', () => {
  it('are kept without copying (no Identity kernel) and freed after the backward pass, on wasm too', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    for (const backend of ['cpu', 'wasm']) {
      await tf.setBackend(backend);
      registerGradients();
      const a = tf.tensor1d([1, 2, 3]);
      const b = tf.tensor1d([4, 5, 6]);
      const dy = tf.tensor1d([1, 1, 1]);
      const log: string[] = [];
      const before = tf.memory().numTensors;
      let ga: tf.Tensor | undefined;
      // An explicit dy (no loss reduction, whose own tfjs gradient would save its input with a clone).
      const profile = await tf.profile(() => {
        ga = tf.grad((aa: tf.Tensor) => product(aa, b, log))(a, dy);
      });
      const names = profile.kernels.map((k) => k.name);
      // No copy (Identity) and no kernel at all (Reshape) for the two saves: y = a⊙b, then dy⊙1 and dy⊙b.
      expect(names.filter((n) => n !== 'forward')).toEqual(['Multiply', 'Multiply', 'Multiply']);
      expect(Array.from(ga!.dataSync())).toEqual([4, 5, 6]);
      ga!.dispose();
      expect(tf.memory().numTensors).toBe(before);
      // The shares reference the inputs' data: while the tape holds them, no data buffer is added, and the
      // inputs' data outlive disposing the inputs until the shares go.
      const buffers = tf.memory().numDataBuffers;
      const y = tf.tidy(() => {
        let out: tf.Tensor | undefined;
        tf.grad((aa: tf.Tensor) => {
          out = tf.keep(product(aa, b, log));
          // inside the gradient scope: y's buffer is the only new one (a and b are shared, not copied)
          expect(tf.memory().numDataBuffers).toBe(buffers + 1);
          return out;
        })(a, dy);
        return out as tf.Tensor;
      });
      expect(Array.from(y.dataSync())).toEqual([4, 10, 18]);
      expect(tf.memory().numDataBuffers).toBe(buffers + 1);
      y.dispose();
      expect(tf.memory().numDataBuffers).toBe(buffers);
      tf.dispose([a, b, dy]);
    }
    await tf.setBackend('cpu');
  });

  it('without a tape, nothing is kept', () => {
    const a = tf.tensor1d([1, 2]);
    const before = tf.memory().numTensors;
    const y = product(a, a, []);
    expect(tf.memory().numTensors).toBe(before + 1);
    y.dispose();
    a.dispose();
  });
});
