import { type Params, tf } from '@steadygrad/core';
import { afterEach, describe, expect, it } from 'vitest';
import { chain } from './chain.js';
import { Optimizer } from './optimizer.js';
import { projection } from './projection.js';
import { sgd } from './sgd.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, parameter, t1 } from './test-utils/values.js';

let before = 0;
afterEach(() => {
  expect(tf.memory().numTensors).toBe(before);
});

/** Max-norm 5 over the whole tensor: w · min(1, 5 / ‖w‖). */
const maxNorm5 = (w: tf.Tensor) => tf.mul(w, tf.minimum(1, tf.div(5, tf.norm(w))));

describe('projection', () => {
  it('lands the parameters on the projection after the update (max-norm, non-negativity; hand-computed)', () => {
    before = tf.memory().numTensors;
    const kernel = parameter('kernel', [3, 4]);
    const bias = parameter('bias', [1, -1]);
    const free = parameter('free', [1]);
    const tx = chain(
      sgd({ learningRate: 1 }),
      projection((p: Params) => ({ kernel: maxNorm5(p.kernel!), bias: tf.relu(p.bias!) })),
    );
    const opt = new Optimizer(tx);
    const grads = { kernel: t1([-3, -4]), bias: t1([0, 0.5]), free: t1([0.25]) };
    opt.step([kernel, bias, free], grads);
    // kernel: [3, 4] + [3, 4] = [6, 8], norm 10 → ·5/10 = [3, 4]; bias: [1, −1.5] → relu → [1, 0].
    expect(arr(kernel.variable)).toEqual([3, 4]);
    expect(arr(bias.variable)).toEqual([1, 0]);
    expect(arr(free.variable)).toEqual([0.75]); // not projected: the plain SGD step
    expect(opt.describe().links![1]).toEqual({ name: 'projection', config: { project: '<function>' } });
    tf.dispose(Object.values(grads));
    opt.dispose();
    tf.dispose([kernel.variable, bias.variable, free.variable]);
  });

  it('passes the updates it does not project through as the same tensors', () => {
    before = tf.memory().numTensors;
    tf.tidy(() => {
      const tx = projection((p: Params) => ({ a: tf.relu(p.a!) }));
      const u = { a: t1([-2, 1]), b: t1([5]) };
      const r = tx.update(u, tx.init({}), { a: t1([1, 1]), b: t1([0]) });
      expect(r.updates.b).toBe(u.b);
      expect(arr(r.updates.a!)).toEqual([-1, 1]); // relu([−1, 2]) − [1, 1]
    });
  });

  it('rejects a non-function, missing parameter values and a projection of the wrong shape', () => {
    before = tf.memory().numTensors;
    expectError(() => projection(5 as never), 'INVALID_ARGUMENT', /projection expects a function/);
    tf.tidy(() => {
      const tx = projection((p: Params) => ({ a: tf.concat([p.a!, p.a!]) }));
      expectError(() => tx.update({ a: t1([1]) }, null, {}), 'NOT_FOUND', /parameter 'a'/);
      expectError(
        () => tx.update({ a: t1([1]) }, null, { a: t1([0]) }),
        'SHAPE_MISMATCH',
        /projection returned shape \[2\] for parameter 'a' of shape \[1\]/,
      );
    });
  });
});
