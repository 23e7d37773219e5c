import { relu, sigmoid, softmax } from '@steadygrad/activations';
import {
  type Activation,
  isSteadygradError,
  RandomStream,
  registerGradients,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { constant } from '@steadygrad/initializers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dense, type DenseOptions } from './dense.js';
import { maxRelativeError, numericGradient } from './test-utils/finite-diff.js';

function randomTensor(rng: RandomStream, shape: number[], std = 1): Tensor {
  return tf.tensor(
    rng.fillNormal(
      shape.reduce((a, b) => a * b, 1),
      0,
      std,
    ),
    shape,
  );
}

describe('Dense', () => {
  beforeAll(() => registerGradients());

  const ACTIVATIONS: DenseOptions['activation'][] = [
    undefined,
    'linear',
    'relu',
    'sigmoid',
    'tanh',
    'softmax',
  ];
  for (const activation of ACTIVATIONS) {
    it(`passes a finite-difference gradient check for kernel, bias and input (${activation ?? 'no activation'})`, () => {
      const rng = new RandomStream(11);
      const layer = new Dense(4, { activation, name: 'd' });
      layer.build([null, 3], new RandomStream(5));
      const x = randomTensor(rng, [5, 3]);
      const r = randomTensor(rng, [5, 4]);
      const kernel = layer.kernel.variable;
      const bias = layer.bias?.variable as tf.Variable;
      if (activation === 'relu') {
        // Keep the check away from relu's kink: every pre-activation is farther from 0 than the step h = 0.01.
        const z = tf.tidy(() => tf.add(tf.matMul(x, kernel), bias));
        const minAbs = Math.min(...Array.from(z.dataSync(), Math.abs));
        z.dispose();
        expect(minAbs).toBeGreaterThan(0.03);
      }
      const before = tf.memory().numTensors;
      const loss = (input: Tensor): tf.Scalar => tf.sum(tf.mul(layer.apply(input, { training: true }), r));
      const { value, grads } = tf.variableGrads(() => loss(x), [kernel, bias]);
      const gx = tf.grad(loss)(x);
      const analytic = {
        kernel: grads[kernel.name]!.dataSync().slice(),
        bias: grads[bias.name]!.dataSync().slice(),
        input: gx.dataSync().slice(),
      };
      tf.dispose([value, gx, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);

      const evalLoss = (): number => tf.tidy(() => loss(x).dataSync()[0] as number);
      const withParam = (v: tf.Variable) => (t: Tensor) => {
        const saved = tf.clone(v);
        v.assign(t);
        const value = evalLoss();
        v.assign(saved);
        saved.dispose();
        return value;
      };
      const numeric = {
        kernel: numericGradient(withParam(kernel), kernel),
        bias: numericGradient(withParam(bias), bias),
        input: numericGradient((t) => tf.tidy(() => loss(t).dataSync()[0] as number), x),
      };
      expect(maxRelativeError(analytic.kernel, numeric.kernel)).toBeLessThan(2e-3);
      expect(maxRelativeError(analytic.bias, numeric.bias)).toBeLessThan(2e-3);
      expect(maxRelativeError(analytic.input, numeric.input)).toBeLessThan(2e-3);
      // The gradients are not trivially zero.
      expect(analytic.kernel.some((v) => Math.abs(v) > 1e-3)).toBe(true);
      tf.dispose([x, r]);
      layer.dispose();
    });
  }

  it('computes activation(x·W + b) with the Keras kernel layout [inputDim, units]', () => {
    const layer = new Dense({
      units: 2,
      activation: 'relu',
      kernelInitializer: constant(0.5),
      biasInitializer: constant(-1),
      name: 'd',
    });
    layer.build([null, 3], new RandomStream(0));
    expect(layer.kernel.shape).toEqual([3, 2]);
    expect(layer.bias?.shape).toEqual([2]);
    const x = tf.tensor2d([
      [1, 2, 3],
      [0, 0, 1],
    ]);
    const y = layer.apply(x);
    // row 1: 0.5·6 − 1 = 2; row 2: 0.5 − 1 = −0.5 → relu 0.
    expect(Array.from(y.dataSync())).toEqual([2, 2, 0, 0]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('accepts Keras-style positional units and the options form alike; validates options', () => {
    const a = new Dense(300, { activation: 'relu', kernelInitializer: 'he_normal' });
    const b = new Dense({ units: 300, activation: relu, kernelInitializer: 'he_normal' });
    expect(a.units).toBe(300);
    expect(a.activation).toBe(relu);
    expect(b.activation).toBe(relu);
    expect(a.kernelInitializer.name).toBe(b.kernelInitializer.name);
    expect(a.getConfig()).toMatchObject({ units: 300, activation: 'relu', useBias: true });
    expect(() => new Dense(0)).toThrow(/units must be an integer >= 1, got 0/);
    expect(() => new Dense(2.5)).toThrow(/units/);
    expect(() => new Dense(3, { activation: 'nope' as never })).toThrow(/unknown activation/);
    expect(() => new Dense(3, { kernelInitializer: 'nope' as never })).toThrow();
  });

  it('without bias has only a kernel; rank-3 input applies to the last axis', () => {
    const layer = new Dense(2, { useBias: false, name: 'nb' });
    layer.build([null, 4, 3], new RandomStream(1));
    expect(layer.parameters.map((p) => p.name)).toEqual(['nb/kernel']);
    expect(layer.countParams()).toBe(6);
    expect(layer.computeOutputShape([null, 4, 3])).toEqual([null, 4, 2]);
    const x = tf.ones([2, 4, 3]);
    const y = layer.apply(x);
    expect(y.shape).toEqual([2, 4, 2]);
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('throws SHAPE_MISMATCH naming the layer, expected and got', () => {
    const layer = new Dense(2, { name: 'hidden' });
    layer.build([null, 3], new RandomStream(1));
    const x = tf.ones([4, 5]);
    try {
      layer.apply(x);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toBe("layer 'hidden' (Dense) expects input shape (None, 3), got [4, 5]");
    }
    x.dispose();
    layer.dispose();
  });

  it('adds regularization penalties, activity penalties and constraints through the core contracts', () => {
    const l2 = {
      name: 'l2',
      config: { l2: 0.5 },
      penalty: (w: Tensor) => tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar),
    };
    const clip = { name: 'clip', config: {}, apply: (w: Tensor) => tf.clipByValue(w, -0.1, 0.1) };
    const layer = new Dense(2, {
      name: 'reg',
      kernelInitializer: constant(1),
      biasInitializer: constant(2),
      kernelRegularizer: l2,
      activityRegularizer: l2,
      biasConstraint: clip,
    });
    layer.build([null, 3], new RandomStream(0));
    const before = tf.memory().numTensors;
    const penalties = layer.regularizationLosses();
    expect(penalties.length).toBe(1);
    expect(penalties[0]!.dataSync()[0]).toBeCloseTo(0.5 * 6, 6);
    tf.dispose(penalties);
    const x = tf.ones([1, 3]);
    const losses: tf.Scalar[] = [];
    const y = layer.apply(x, { losses });
    // y = 3 + 2 = 5 per unit; activity penalty 0.5·(25 + 25) = 25.
    expect(losses.length).toBe(1);
    expect(losses[0]!.dataSync()[0]).toBeCloseTo(25, 5);
    const noLosses = layer.apply(x);
    tf.dispose([x, y, noLosses, ...losses]);
    layer.applyConstraints();
    expect(Array.from(layer.bias!.variable.dataSync())).toEqual([0.10000000149011612, 0.10000000149011612]);
    expect(Array.from(layer.kernel.variable.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    expect(tf.memory().numTensors).toBe(before);
    layer.dispose();
  });

  it('is deterministic: the same stream gives the same weights; accessors need a build', () => {
    const a = new Dense(3);
    const b = new Dense(3);
    expect(() => a.kernel).toThrow(/no kernel until it is built/);
    a.build([null, 4], new RandomStream(9));
    b.build([null, 4], new RandomStream(9));
    expect(Array.from(a.kernel.variable.dataSync())).toEqual(Array.from(b.kernel.variable.dataSync()));
    a.dispose();
    b.dispose();
  });

  it('leaks no tensors on apply or on the gradient path', () => {
    const activations: Activation[] = [relu, sigmoid, softmax()];
    for (const activation of activations) {
      const layer = new Dense(3, { activation });
      layer.build([null, 4], new RandomStream(2));
      const x = tf.ones([2, 4]);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        layer.apply(x, { training: true });
      });
      expect(tf.memory().numTensors).toBe(before);
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x, { training: true })));
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
      layer.dispose();
    }
  });
});

describe('Dense option names are literal types', () => {
  it("accepts Keras's snake_case and tfjs's camelCase; a misspelling is a compile error and a did-you-mean", () => {
    const a = new Dense({ units: 2, kernelInitializer: 'heNormal', activation: 'leaky_relu' });
    const b = new Dense({ units: 2, kernelInitializer: 'he_normal', activation: 'leakyRelu' });
    expect([a.kernelInitializer.name, b.kernelInitializer.name]).toEqual(['he_normal', 'he_normal']);
    expect(a.activation.name).toBe(b.activation.name);
    // @ts-expect-error 'he_nromal' is not an initializer name
    expect(() => new Dense({ units: 2, kernelInitializer: 'he_nromal' })).toThrow(/he_normal/);
    // @ts-expect-error 'rleu' is not an activation name
    expect(() => new Dense({ units: 2, activation: 'rleu' })).toThrow(/relu/);
  });
});
