import { type Activation, isSteadygradError, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, getActivation, isActivation } from './get-activation.js';
import { leakyRelu } from './leaky-relu.js';
import { linear } from './linear.js';
import { torchCase } from './test-utils/reference.js';

beforeAll(() => registerGradients());

const EXPECTED_PAIRING: Record<string, Activation['pairsWith']> = {
  relu: 'he',
  relu6: 'he',
  leaky_relu: 'he',
  elu: 'he',
  selu: 'lecun',
  gelu: 'he',
  swish: 'he',
  silu: 'he',
  mish: 'he',
  softplus: 'glorot',
  sigmoid: 'glorot',
  tanh: 'glorot',
  softmax: 'glorot',
  hard_sigmoid: 'glorot',
  linear: 'glorot',
};

describe('getActivation', () => {
  it('resolves every Keras name to an activation of that name with the documented initializer pairing', () => {
    expect([...ACTIVATION_NAMES].sort()).toEqual(Object.keys(EXPECTED_PAIRING).sort());
    for (const name of ACTIVATION_NAMES) {
      const act = getActivation(name);
      expect(act.name).toBe(name);
      expect(act.pairsWith, name).toBe(EXPECTED_PAIRING[name]);
      expect(Object.isFrozen(act)).toBe(true);
    }
  });
  it('uses Keras 3 defaults by name', () => {
    expect(getActivation('leaky_relu').config).toEqual({ alpha: 0.3 });
    expect(getActivation('elu').config).toEqual({ alpha: 1 });
    expect(getActivation('gelu').config).toEqual({ approximate: false });
    expect(getActivation('softmax').config).toEqual({ axis: -1 });
  });
  it('accepts the camelCase aliases leakyRelu and hardSigmoid', () => {
    expect(getActivation('leakyRelu').name).toBe('leaky_relu');
    expect(getActivation('hardSigmoid').name).toBe('hard_sigmoid');
  });
  it('gives linear for undefined and returns activation objects unchanged', () => {
    expect(getActivation(undefined)).toBe(linear);
    const custom = leakyRelu({ alpha: 0.2 });
    expect(getActivation(custom)).toBe(custom);
    expect(isActivation(custom)).toBe(true);
    expect(isActivation({ name: 'x', apply: 1 })).toBe(false);
  });
  it('rejects an unknown name with UNKNOWN_NAME listing the valid names', () => {
    try {
      getActivation('reluu');
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'UNKNOWN_NAME')).toBe(true);
      const message = (e as Error).message;
      expect(message).toMatch(
        /^unknown activation "reluu"\. Did you mean 'relu'\? Valid names: 'relu', 'relu6', 'leaky_relu'/,
      );
      for (const name of ACTIVATION_NAMES) expect(message).toContain(`'${name}'`);
    }
    expect(() => getActivation('toString')).toThrow(/unknown activation "toString"/);
  });
  it('rejects something that is neither a name nor an activation', () => {
    try {
      getActivation({ name: 'relu' } as unknown as Activation);
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toMatch(/got an object with keys \[name\]/);
    }
  });
});

describe('every named activation is numerically stable', () => {
  it('has finite values and gradients for |x| up to 1e4 and at the float32 extremes of the grid, without leaks', () => {
    const grid: number[] = [];
    for (let i = -40; i <= 40; i++) grid.push(Math.sign(i) * 10 ** (Math.abs(i) / 10));
    grid.push(0, -0, 1e4, -1e4, 3, -3, 6);
    const before = tf.memory().numTensors;
    const x = tf.tensor1d(grid);
    const bad: string[] = [];
    for (const name of ACTIVATION_NAMES) {
      const act = getActivation(name);
      const [y, g] = tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad((t: Tensor) => tf.sum(tf.mul(act.apply(t), 0.5)))(x);
        value.dispose();
        return [act.apply(x), grad];
      });
      const ys = y.dataSync();
      const gs = g.dataSync();
      grid.forEach((v, i) => {
        if (!Number.isFinite(ys[i])) bad.push(`${name}(${v}) = ${ys[i]}`);
        if (!Number.isFinite(gs[i])) bad.push(`${name}'(${v}) = ${gs[i]}`);
      });
      tf.dispose([y, g]);
    }
    x.dispose();
    expect(bad).toEqual([]);
    expect(tf.memory().numTensors).toBe(before);
  });
  it('the fixture grid covers 0, ±1e-3, ±1, ±10, ±50, ±1e3', () => {
    const xs = torchCase('relu').x;
    for (const v of [0, 1e-3, 1, 10, 50, 1e3]) {
      expect(xs).toContain(v);
      expect(xs).toContain(-v);
    }
  });
});
