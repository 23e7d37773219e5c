import { isSteadygradError, type Parameter, RandomStream, type Tensor, tf } from '@steadygrad/core';
import type { Layer } from '@steadygrad/nn';
import { describe, expect, it } from 'vitest';
import { GroupNormalization } from './group-normalization.js';
import { LayerNormalization } from './layer-normalization.js';
import { RMSNormalization } from './rms-normalization.js';
import { expectClose } from './test-utils/close.js';
import { loadTorchFixtures } from './test-utils/fixtures.js';

const fixtures = loadTorchFixtures();

function setParam(p: Parameter, values: number[]): void {
  const t = tf.tensor1d(values);
  p.assign(t);
  t.dispose();
}

/** y and the gradients of Σ y·dy w.r.t. x and each given parameter. */
function run(layer: Layer, shape: number[], xv: number[], dyv: number[], params: Parameter[]) {
  const x0 = tf.tensor(xv, shape);
  const x = tf.variable(x0, true);
  x0.dispose();
  const dy = tf.tensor(dyv, shape);
  let y: Float32Array | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = layer.apply(x, { training: true });
    y = out.dataSync() as Float32Array;
    return tf.sum(tf.mul(out, dy));
  }, [x, ...params.map((p) => p.variable)]);
  const result = {
    y: y!,
    dx: grads[x.name]!.dataSync(),
    dparams: params.map((p) => grads[p.variable.name]!.dataSync()),
  };
  tf.dispose([value, x, dy, ...Object.values(grads)]);
  return result;
}

const tol = { atol: 2e-5, rtol: 2e-5 };

describe('LayerNormalization against PyTorch F.layer_norm', () => {
  for (const c of fixtures.layerNormalization) {
    it(`shape [${c.shape}]`, () => {
      const before = tf.memory().numTensors;
      const layer = new LayerNormalization({ name: 'ln', epsilon: c.epsilon });
      layer.build([null, ...c.shape.slice(1)], new RandomStream(0));
      setParam(layer.gamma!, c.gamma);
      setParam(layer.beta!, c.beta);
      const r = run(layer, c.shape, c.x, c.dy, [layer.gamma!, layer.beta!]);
      expectClose('y', r.y, c.y, tol);
      expectClose('dx', r.dx, c.dx, tol);
      expectClose('dgamma', r.dparams[0]!, c.dgamma, { atol: 1e-4, rtol: 2e-5 });
      expectClose('dbeta', r.dparams[1]!, c.dbeta, { atol: 1e-4, rtol: 2e-5 });
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('uses Keras 3 defaults and names, normalizes over several axes when asked', () => {
    const layer = new LayerNormalization({ name: 'ln', axis: [1, 2] });
    expect(layer.getConfig()).toMatchObject({ axis: [1, 2], epsilon: 1e-3, center: true, scale: true });
    layer.build([null, 2, 3], new RandomStream(0));
    expect(layer.parameters.map((p) => [p.name, p.shape, p.trainable])).toEqual([
      ['ln/gamma', [2, 3], true],
      ['ln/beta', [2, 3], true],
    ]);
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, -1, 0, 1, 2, 3, 10], [2, 2, 3]);
    const y = layer.apply(x);
    const v = y.dataSync();
    for (let b = 0; b < 2; b++) {
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < 6; k++) {
        s += v[b * 6 + k]!;
        s2 += v[b * 6 + k]! ** 2;
      }
      expect(Math.abs(s / 6)).toBeLessThan(1e-6);
      expect(s2 / 6).toBeGreaterThan(0.99);
      expect(s2 / 6).toBeLessThan(1);
    }
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('rejects bad options and mismatched inputs', () => {
    expect(() => new LayerNormalization({ epsilon: -1 })).toThrow(/epsilon must be .*>= 0, got -1/);
    expect(() => new LayerNormalization({ axis: [] })).toThrow(
      /axis must be an integer or a non-empty array/,
    );
    expect(() =>
      new LayerNormalization({ name: 'ln', axis: 3 }).build([null, 4], new RandomStream(0)),
    ).toThrow(/axis 3 is out of range for inputs of rank 2/);
    expect(() =>
      new LayerNormalization({ name: 'ln', axis: [1, -1] }).build([null, 4], new RandomStream(0)),
    ).toThrow(/same axis twice/);
    const layer = new LayerNormalization({ name: 'ln' });
    layer.build([null, 4], new RandomStream(0));
    const x = tf.zeros([2, 5]);
    try {
      layer.apply(x);
      expect.fail('expected an error');
    } catch (e) {
      expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
      expect((e as Error).message).toMatch(
        /'ln' \(LayerNormalization\) was built for .* sizes \[4\] on axes \[1\], got an input of shape \[2,5\]/,
      );
    }
    x.dispose();
    layer.dispose();
  });
});

describe('GroupNormalization against PyTorch F.group_norm', () => {
  for (const c of fixtures.groupNormalization) {
    it(`shape [${c.shape}], ${c.groups} groups`, () => {
      const before = tf.memory().numTensors;
      const layer = new GroupNormalization({ name: 'gn', groups: c.groups, epsilon: c.epsilon });
      layer.build([null, ...c.shape.slice(1)], new RandomStream(0));
      setParam(layer.gamma!, c.gamma);
      setParam(layer.beta!, c.beta);
      const r = run(layer, c.shape, c.x, c.dy, [layer.gamma!, layer.beta!]);
      expectClose('y', r.y, c.y, tol);
      expectClose('dx', r.dx, c.dx, tol);
      expectClose('dgamma', r.dparams[0]!, c.dgamma, { atol: 1e-4, rtol: 2e-5 });
      expectClose('dbeta', r.dparams[1]!, c.dbeta, { atol: 1e-4, rtol: 2e-5 });
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('checks that groups divide the channels; -1 means one group per channel', () => {
    expect(() =>
      new GroupNormalization({ name: 'gn', groups: 4 }).build([null, 6], new RandomStream(0)),
    ).toThrow(/groups must divide the 6 channels .* got groups = 4/);
    expect(() => new GroupNormalization({ name: 'gn' }).build([null, 16], new RandomStream(0))).toThrow(
      /got groups = 32/,
    );
    expect(() => new GroupNormalization({ groups: 0 })).toThrow(/groups must be an integer >= 1, got 0/);
    const layer = new GroupNormalization({ name: 'gn', groups: -1 });
    layer.build([null, 2, 3], new RandomStream(0));
    expect(layer.groups).toBe(3);
    layer.dispose();
  });
});

describe('RMSNormalization (reference: y = x·rsqrt(mean(x²) + ε)·scale in float64 torch)', () => {
  for (const c of fixtures.rmsNormalization) {
    it(`shape [${c.shape}]`, () => {
      const before = tf.memory().numTensors;
      const layer = new RMSNormalization({ name: 'rms' });
      expect(layer.epsilon).toBe(c.epsilon);
      layer.build([null, ...c.shape.slice(1)], new RandomStream(0));
      expect(layer.parameters.map((p) => p.name)).toEqual(['rms/scale']);
      setParam(layer.scale!, c.scale);
      const r = run(layer, c.shape, c.x, c.dy, [layer.scale!]);
      expectClose('y', r.y, c.y, tol);
      expectClose('dx', r.dx, c.dx, tol);
      expectClose('dscale', r.dparams[0]!, c.dscale, { atol: 1e-4, rtol: 2e-5 });
      layer.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('rejects a negative epsilon and a mismatched input', () => {
    expect(() => new RMSNormalization({ epsilon: -1e-6 })).toThrow(/epsilon must be .*>= 0/);
    const layer = new RMSNormalization({ name: 'rms' });
    layer.build([null, 3], new RandomStream(0));
    const x: Tensor = tf.zeros([1, 4]);
    expect(() => layer.apply(x)).toThrow(/'rms' \(RMSNormalization\) was built for/);
    x.dispose();
    layer.dispose();
  });
});
