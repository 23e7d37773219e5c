import {
  type Constraint,
  isSteadygradError,
  RandomStream,
  type Regularizer,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BatchNormImplementation, setBatchNormImplementation } from './batch-norm-implementation.js';
import { BatchNormalization } from './batch-normalization.js';
import { GroupNormalization } from './group-normalization.js';
import { LayerNormalization } from './layer-normalization.js';
import { expectClose } from './test-utils/close.js';
import { type BatchNormCase, loadTorchFixtures } from './test-utils/fixtures.js';

const fixtures = loadTorchFixtures();

function buildFromCase(c: BatchNormCase, implementation: BatchNormImplementation): BatchNormalization {
  const layer = new BatchNormalization({
    name: 'bn',
    momentum: c.momentum,
    epsilon: c.epsilon,
  });
  setBatchNormImplementation(layer, implementation);
  layer.build([null, ...c.shape.slice(1)], new RandomStream(0));
  const set = (p: { assign(t: Tensor): void }, values: number[]) => {
    const t = tf.tensor1d(values);
    p.assign(t);
    t.dispose();
  };
  set(layer.gamma!, c.gamma);
  set(layer.beta!, c.beta);
  set(layer.movingMean, c.movingMean);
  set(layer.movingVariance, c.movingVariance);
  return layer;
}

/** Runs L = Σ y·dy once (one forward, so the moving statistics update once) and returns y and all gradients. */
function runCase(layer: BatchNormalization, c: BatchNormCase, training: boolean) {
  const x0 = tf.tensor(c.x, c.shape);
  const x = tf.variable(x0, true);
  x0.dispose();
  const dy = tf.tensor(c.dy, c.shape);
  let yOut: Float32Array | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const y = layer.apply(x, { training });
    yOut = y.dataSync() as Float32Array;
    return tf.sum(tf.mul(y, dy));
  }, [x, layer.gamma!.variable, layer.beta!.variable]);
  const out = {
    y: yOut!,
    dx: grads[x.name]!.dataSync(),
    dgamma: grads[layer.gamma!.variable.name]!.dataSync(),
    dbeta: grads[layer.beta!.variable.name]!.dataSync(),
    movingMean: layer.movingMean.variable.dataSync(),
    movingVariance: layer.movingVariance.variable.dataSync(),
  };
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  x.dispose();
  dy.dispose();
  return out;
}

describe('BatchNormalization against PyTorch fixtures', () => {
  beforeAll(() => {
    expect(fixtures.batchNormalization.length).toBe(12);
  });

  for (const implementation of ['fused', 'ops', 'reference'] as const) {
    for (const c of fixtures.batchNormalization) {
      const mode = c.training ? 'training' : 'inference';
      it(`${implementation}, ${mode}, shape [${c.shape}]: y, dx, dγ, dβ and moving statistics`, () => {
        const before = tf.memory().numTensors;
        const layer = buildFromCase(c, implementation);
        const r = runCase(layer, c, c.training);
        const tol = { atol: 2e-5, rtol: 2e-5 };
        expectClose('y', r.y, c.y, tol);
        expectClose('dx', r.dx, c.dx, tol);
        expectClose('dgamma', r.dgamma, c.dgamma, { atol: 1e-4, rtol: 2e-5 });
        expectClose('dbeta', r.dbeta, c.dbeta, { atol: 1e-4, rtol: 2e-5 });
        expectClose('moving_mean', r.movingMean, c.newMovingMean, { atol: 1e-6, rtol: 1e-6 });
        expectClose('moving_variance', r.movingVariance, c.newMovingVariance, { atol: 1e-6, rtol: 1e-6 });
        layer.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('keeps the biased variance: PyTorch running_var differs exactly by the Bessel factor', () => {
    const c = fixtures.batchNormalization.find(
      (k) => k.training && k.shape[0] === 32 && k.shape.length === 2,
    )!;
    const n = c.count!;
    const layer = buildFromCase(c, 'fused');
    const r = runCase(layer, c, true);
    const m = c.momentum;
    const torchVar = c.torchRunningVariance!;
    // torch: rv·m + (1 − m)·σ²·n/(n − 1); ours: mv·m + (1 − m)·σ²
    const fromOurs = Array.from(r.movingVariance, (v, i) => {
      const batchVar = (v - c.movingVariance[i]! * m) / (1 - m);
      return c.movingVariance[i]! * m + (1 - m) * batchVar * (n / (n - 1));
    });
    expectClose('torch running_var reconstructed', fromOurs, torchVar, { atol: 1e-5, rtol: 1e-5 });
    expect(Math.abs((r.movingVariance[0] as number) - torchVar[0]!)).toBeGreaterThan(1e-4);
    layer.dispose();
  });
});

describe('BatchNormalization layer', () => {
  it('names its four variables like Keras with the seed cell 7 flags', () => {
    const layer = new BatchNormalization({ name: 'batch_normalization' });
    layer.build([null, 784], new RandomStream(1));
    expect(layer.parameters.map((p) => [p.name, p.trainable])).toEqual([
      ['batch_normalization/gamma', true],
      ['batch_normalization/beta', true],
      ['batch_normalization/moving_mean', false],
      ['batch_normalization/moving_variance', false],
    ]);
    expect(layer.countParams()).toBe(3136);
    expect(layer.trainableParameters.map((p) => p.size)).toEqual([784, 784]);
    expect(layer.nonTrainableParameters.map((p) => p.size)).toEqual([784, 784]);
    expect(Array.from(layer.gamma!.variable.dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(layer.movingVariance.variable.dataSync().slice(0, 3))).toEqual([1, 1, 1]);
    expect(Array.from(layer.beta!.variable.dataSync().slice(0, 3))).toEqual([0, 0, 0]);
    expect(layer.getConfig()).toMatchObject({
      axis: -1,
      momentum: 0.99,
      epsilon: 1e-3,
      center: true,
      scale: true,
    });
    layer.dispose();
  });

  it('getConfig describes the γ/β regularizers and constraints (name and config), as Dense does', () => {
    const l2: Regularizer = { name: 'l2', config: { l2: 0.01 }, penalty: (x) => tf.sum(tf.square(x)) };
    const maxNorm: Constraint = {
      name: 'max_norm',
      config: { maxValue: 2, axis: 0 },
      apply: (w) => tf.clone(w),
    };
    const layer = new BatchNormalization({ gammaRegularizer: l2, betaConstraint: maxNorm });
    expect(layer.getConfig()).toMatchObject({
      gammaRegularizer: { name: 'l2', config: { l2: 0.01 } },
      betaRegularizer: undefined,
      betaConstraint: { name: 'max_norm', config: { maxValue: 2, axis: 0 } },
      gammaConstraint: undefined,
    });
    // A copy: changing the returned config does not reach the regularizer.
    const config = layer.getConfig() as { gammaRegularizer: { config: Record<string, unknown> } };
    config.gammaRegularizer.config.l2 = 1;
    expect(l2.config.l2).toBe(0.01);
    for (const other of [
      new LayerNormalization({ gammaRegularizer: l2, betaConstraint: maxNorm }),
      new GroupNormalization({ groups: 1, gammaRegularizer: l2, betaConstraint: maxNorm }),
    ]) {
      expect(other.getConfig()).toMatchObject({
        gammaRegularizer: { name: 'l2', config: { l2: 0.01 } },
        betaConstraint: { name: 'max_norm', config: { maxValue: 2, axis: 0 } },
      });
    }
  });

  it('center/scale off drop β/γ', () => {
    const layer = new BatchNormalization({ name: 'bn', center: false, scale: false });
    layer.build([null, 4], new RandomStream(1));
    expect(layer.parameters.map((p) => p.name)).toEqual(['bn/moving_mean', 'bn/moving_variance']);
    const x = tf.tensor2d([
      [1, 2, 3, 4],
      [3, 6, 9, 12],
    ]);
    const y = layer.apply(x, { training: true });
    // mean (2,4,6,8), biased var (1,4,9,16): x̂ = ±1/√(1 + ε/var)
    const e = (v: number) => 1 / Math.sqrt(1 + 1e-3 / v);
    expectClose('y', y.dataSync(), [-e(1), -e(4), -e(9), -e(16), e(1), e(4), e(9), e(16)], { atol: 1e-6 });
    tf.dispose([x, y]);
    layer.dispose();
  });

  it('normalizes over every axis but a non-last axis (axis 1 of a 4-D input) and matches the reference', () => {
    const rng = new RandomStream(3);
    const x = tf.tensor4d(Array.from(rng.fillNormal(2 * 3 * 2 * 2, 1, 2)), [2, 3, 2, 2]);
    const outs: Float32Array[] = [];
    const mv: Float32Array[] = [];
    for (const implementation of ['fused', 'ops', 'reference'] as const) {
      const layer = new BatchNormalization({ name: 'bn', axis: 1, momentum: 0.5 });
      setBatchNormImplementation(layer, implementation);
      layer.build([null, 3, 2, 2], new RandomStream(0));
      expect(layer.gamma!.shape).toEqual([3]);
      const y = layer.apply(x, { training: true });
      outs.push(y.dataSync() as Float32Array);
      mv.push(layer.movingVariance.variable.dataSync() as Float32Array);
      y.dispose();
      layer.dispose();
    }
    expectClose('fused vs reference', outs[0]!, outs[1]!, { atol: 1e-6, rtol: 1e-6 });
    expectClose('moving variance', mv[0]!, mv[1]!, { atol: 1e-7, rtol: 1e-6 });
    // per channel mean of y is 0
    const y = outs[0]!;
    for (let ch = 0; ch < 3; ch++) {
      let s = 0;
      for (let b = 0; b < 2; b++) for (let k = 0; k < 4; k++) s += y[b * 12 + ch * 4 + k]!;
      expect(Math.abs(s / 8)).toBeLessThan(1e-6);
    }
    x.dispose();
  });

  it('a frozen layer (trainable = false) runs in inference mode and leaves its moving statistics unchanged', () => {
    // tfjs-layers normalizes a frozen BN with batch statistics; Keras (and we) use the moving ones.
    const layer = new BatchNormalization({ name: 'bn' });
    layer.build([null, 3], new RandomStream(1));
    const x = tf.tensor2d([
      [1, 5, -2],
      [3, 9, 4],
      [8, 1, 0],
    ]);
    // Prime the moving statistics with one training step.
    tf.dispose(layer.apply(x, { training: true }));
    const mm = layer.movingMean.variable.dataSync().slice();
    const mvv = layer.movingVariance.variable.dataSync().slice();
    layer.trainable = false;
    expect(layer.trainableParameters).toEqual([]);
    const yFrozen = layer.apply(x, { training: true });
    const yInference = layer.apply(x, { training: false });
    expect(Array.from(yFrozen.dataSync())).toEqual(Array.from(yInference.dataSync()));
    expect(Array.from(layer.movingMean.variable.dataSync())).toEqual(Array.from(mm));
    expect(Array.from(layer.movingVariance.variable.dataSync())).toEqual(Array.from(mvv));
    // and it is not the batch-statistics output
    layer.trainable = true;
    const yTrain = layer.apply(x, { training: true });
    expect(Math.abs((yTrain.dataSync()[0] as number) - (yFrozen.dataSync()[0] as number))).toBeGreaterThan(
      0.1,
    );
    tf.dispose([x, yFrozen, yInference, yTrain]);
    layer.dispose();
  });

  it('rejects bad hyperparameters with clear errors', () => {
    const expectError = (f: () => unknown, code: string, pattern: RegExp) => {
      try {
        f();
        expect.fail('expected an error');
      } catch (e) {
        expect(isSteadygradError(e)).toBe(true);
        expect((e as { code: string }).code).toBe(code);
        expect((e as Error).message).toMatch(pattern);
      }
    };
    expectError(
      () => new BatchNormalization({ momentum: 1 }),
      'INVALID_ARGUMENT',
      /momentum must be .*>= 0.*< 1, got 1/,
    );
    expectError(() => new BatchNormalization({ momentum: -0.1 }), 'INVALID_ARGUMENT', /momentum.*got -0.1/);
    expectError(
      () => new BatchNormalization({ epsilon: -1e-3 }),
      'INVALID_ARGUMENT',
      /epsilon must be .*>= 0, got -0.001/,
    );
    expectError(() => new BatchNormalization({ axis: 1.5 }), 'INVALID_ARGUMENT', /axis must be an integer/);
    const rng = new RandomStream(0);
    expectError(
      () => new BatchNormalization({ name: 'bn', axis: 2 }).build([null, 4], rng),
      'INVALID_ARGUMENT',
      /layer 'bn': axis 2 is out of range for inputs of rank 2.*\[-2, 1\]/,
    );
    expectError(
      () => new BatchNormalization({ name: 'bn', axis: -3 }).build([null, 4], rng),
      'INVALID_ARGUMENT',
      /axis -3 is out of range/,
    );
    expectError(
      () => new BatchNormalization({ name: 'bn', axis: 0 }).build([null, 4], rng),
      'INVALID_ARGUMENT',
      /batch axis/,
    );
  });

  it('rejects an input whose feature size differs from the built one', () => {
    const layer = new BatchNormalization({ name: 'bn' });
    layer.build([null, 4], new RandomStream(0));
    const x = tf.zeros([2, 5]);
    for (const training of [true, false]) {
      try {
        layer.apply(x, { training });
        expect.fail('expected an error');
      } catch (e) {
        expect(isSteadygradError(e, 'SHAPE_MISMATCH')).toBe(true);
        expect((e as Error).message).toMatch(
          /layer 'bn' \(BatchNormalization\) was built for 4 features on axis -1, got an input of shape \[2,5\] with 5/,
        );
      }
    }
    const x3 = tf.zeros([2, 3, 4]);
    expect(() => layer.apply(x3)).toThrow(/rank 2/);
    tf.dispose([x, x3]);
    layer.dispose();
  });

  it('accepts any spatial size on a 4-D input as long as the channels match (Keras InputSpec)', () => {
    const layer = new BatchNormalization({ name: 'bn' });
    layer.build([null, 4, 4, 2], new RandomStream(0));
    const x = tf.ones([1, 3, 5, 2]);
    const y = layer.apply(x, { training: false });
    expect(y.shape).toEqual([1, 3, 5, 2]);
    tf.dispose([x, y]);
    layer.dispose();
  });
});
