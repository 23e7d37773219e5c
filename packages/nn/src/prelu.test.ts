import { RandomStream, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { constant } from '@steadygrad/initializers';
import { beforeAll, describe, expect, it } from 'vitest';
import { PReLU } from './prelu.js';
import { Sequential } from './sequential.js';
import { maxRelativeError, numericGradient } from './test-utils/finite-diff.js';

describe('PReLU', () => {
  beforeAll(() => registerGradients());

  it('has one slope per unit (Keras), zeros by default, named p_re_lu/alpha in a model', () => {
    const model = new Sequential([new PReLU({ inputShape: [2, 3] })]);
    const layer = model.layers[0] as PReLU;
    expect(layer.name).toBe('p_re_lu');
    expect(layer.alpha.name).toBe('p_re_lu/alpha');
    expect(layer.alpha.shape).toEqual([2, 3]);
    expect(Array.from(layer.alpha.variable.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    model.dispose();
    const shared = new PReLU({ sharedAxes: [1, 2] });
    shared.build([null, 4, 4, 3], new RandomStream(0));
    expect(shared.alpha.shape).toEqual([1, 1, 3]);
    shared.dispose();
    expect(() => new PReLU({ sharedAxes: [0] })).toThrow(/sharedAxes must be an array of integers >= 1/);
  });

  it('computes x for x > 0 and alpha·x otherwise, with a finite-difference-checked alpha gradient', () => {
    const layer = new PReLU({ alphaInitializer: constant(0.25), name: 'p' });
    layer.build([null, 3], new RandomStream(0));
    layer.alpha.assign(tf.tensor1d([0.1, 0.2, 0.3]));
    const x = tf.tensor2d([
      [-1, 2, -3],
      [4, -5, 0.5],
    ]);
    const y = layer.apply(x);
    const expected = [-0.1, 2, -0.9, 4, -1, 0.5];
    Array.from(y.dataSync()).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 6);
    });
    const r = tf.tensor2d([
      [1, -2, 3],
      [0.5, 1.5, -1],
    ]);
    const alpha = layer.alpha.variable;
    const before = tf.memory().numTensors;
    const loss = () => tf.sum(tf.mul(layer.apply(x, { training: true }), r)) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss, [alpha]);
    const analytic = grads[alpha.name]!.dataSync().slice();
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    // dalpha_j = Σ_i r_ij·x_ij over x_ij <= 0: [1·(−1), 1.5·(−5), 3·(−3)].
    expect(Array.from(analytic)).toEqual([-1, -7.5, -9]);
    const numeric = numericGradient((t: Tensor) => {
      const saved = tf.clone(alpha);
      alpha.assign(t);
      const v = tf.tidy(() => loss().dataSync()[0] as number);
      alpha.assign(saved);
      saved.dispose();
      return v;
    }, alpha);
    expect(maxRelativeError(analytic, numeric)).toBeLessThan(1e-3);
    tf.dispose([x, y, r]);
    layer.dispose();
  });
});
