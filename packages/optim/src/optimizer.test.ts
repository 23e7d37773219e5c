import { isSteadygradError, type Parameter, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { chain } from './chain.js';
import { clipByValue } from './clip-by-value.js';
import { nadam } from './nadam.js';
import { Optimizer } from './optimizer.js';
import { sgd } from './sgd.js';
import { expectError } from './test-utils/expect-error.js';
import {
  fixtureGrads,
  fixtureParameters,
  kerasFixture,
  readValues,
  replay,
  trajectoryError,
  transformOf,
} from './test-utils/reference.js';
import { arr, parameter, t1 } from './test-utils/values.js';

function disposeAll(params: readonly Parameter[], ...optimizers: Optimizer[]): void {
  for (const o of optimizers) o.dispose();
  for (const p of params) p.dispose();
}

describe('Optimizer', () => {
  it('initializes lazily, counts iterations in a plain number and keeps numTensors stable per step', () => {
    const before = tf.memory().numTensors;
    const params = fixtureParameters();
    const opt = new Optimizer(adam({ learningRate: 0.01, amsgrad: true }));
    expect(tf.memory().numTensors).toBe(before + 2); // no state before the first step
    replay(opt, params, 10); // throws on any per-step leak
    expect(opt.iterations).toBe(10);
    // state: adam mu, nu, nuMax for w and b = 6 tensors, plus the 2 parameters
    expect(tf.memory().numTensors).toBe(before + 2 + 6);
    disposeAll(params, opt);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports the learning rate the next step uses, following a schedule', () => {
    const params = fixtureParameters();
    const opt = new Optimizer(sgd({ learningRate: (t) => 0.1 / (1 + t) }));
    expect(opt.learningRate).toBe(0.1);
    replay(opt, params, 3);
    expect(opt.learningRate).toBeCloseTo(0.1 / 4, 15);
    expect(new Optimizer(chain(clipByValue(1))).learningRate).toBeUndefined();
    disposeAll(params, opt);
  });

  it('setLearningRate mid-run equals the piecewise-constant Keras reference (SGD momentum form)', () => {
    const ref = kerasFixture.cases.find((c) => c.name === 'sgd_momentum_piecewise')!;
    const params = fixtureParameters();
    const opt = new Optimizer(sgd({ learningRate: 0.05, momentum: 0.9 }));
    const traj = replay(opt, params, 25, 0, (t) => {
      if (t === 10) opt.setLearningRate(0.01);
    });
    expect(trajectoryError(traj, ref.trajectory)).toBeLessThanOrEqual(1e-5);
    expect(opt.learningRate).toBe(0.01);
    const state = opt.getState();
    expect(state.meta.learningRateOverride).toBe(0.01);
    tf.dispose(Object.values(state.tensors));
    disposeAll(params, opt);
  });

  it('setLearningRate before the first step, and on a transformation without a learning rate', () => {
    const opt = new Optimizer(adam());
    opt.setLearningRate(0.5);
    expect(opt.learningRate).toBe(0.5);
    expectError(
      () => opt.setLearningRate(-1),
      'INVALID_ARGUMENT',
      /learningRate must be a finite number >= 0, got -1/,
    );
    expectError(() => new Optimizer(clipByValue(1)).setLearningRate(0.1), 'INCOMPATIBLE', /no learning rate/);
  });

  it('getState/setState round-trips: a restored optimizer continues the identical trajectory', () => {
    const before = tf.memory().numTensors;
    const ref = kerasFixture.cases.find((c) => c.name === 'nadam')!;
    const paramsA = fixtureParameters();
    const optA = new Optimizer(transformOf(ref));
    replay(optA, paramsA, 12);
    optA.setLearningRate(0.01); // same value as the case; the override must survive the round trip
    const saved = optA.getState();
    expect(saved.meta.iterations).toBe(12);
    expect(Object.keys(saved.tensors).sort()).toEqual(['0/mu/b', '0/mu/w', '0/nu/b', '0/nu/w']);
    const meta = JSON.parse(JSON.stringify(saved.meta)); // the metadata is plain JSON
    const snapshot = readValues(paramsA);
    const trajA = replay(optA, paramsA, 13, 12);
    expect(trajectoryError(trajA, ref.trajectory.slice(12))).toBeLessThanOrEqual(1e-5);

    const paramsB = paramsA.map((p) => parameter(p.name, snapshot[p.name]!, p.shape));
    const optB = new Optimizer(nadam({ learningRate: 0.01 }));
    optB.setState({ tensors: saved.tensors, meta });
    tf.dispose(Object.values(saved.tensors)); // setState took its own handles
    expect(optB.iterations).toBe(12);
    expect(optB.learningRate).toBe(0.01);
    const trajB = replay(optB, paramsB, 13, 12);
    expect(trajB).toEqual(trajA); // bit-identical continuation

    // Without the state (fresh moments and schedule) the continuation differs.
    const paramsC = paramsA.map((p) => parameter(p.name, snapshot[p.name]!, p.shape));
    const optC = new Optimizer(nadam({ learningRate: 0.01 }));
    expect(trajectoryError(replay(optC, paramsC, 13, 12), trajA)).toBeGreaterThan(1e-3);

    disposeAll([...paramsA, ...paramsB, ...paramsC], optA, optB, optC);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('re-initializes (and disposes) the state when the trainable set changes, keeping a set learning rate', () => {
    const before = tf.memory().numTensors;
    const [w, b] = fixtureParameters() as [Parameter, Parameter];
    const opt = new Optimizer(sgd({ learningRate: 0.05, momentum: 0.9 }));
    const step = (t: number) => {
      const g = fixtureGrads(t);
      opt.step([w, b], g);
      tf.dispose(Object.values(g));
    };
    step(0);
    opt.setLearningRate(0.02);
    step(1);
    expect(tf.memory().numTensors).toBe(before + 2 + 2); // momentum for w and b
    b.trainable = false; // freeze b
    const bValues = arr(b.variable);
    step(2);
    expect(tf.memory().numTensors).toBe(before + 2 + 1); // old state disposed, momentum for w only
    expect(arr(b.variable)).toEqual(bValues); // frozen: untouched
    const state = opt.getState();
    expect(state.meta.parameterNames).toEqual(['w']);
    tf.dispose(Object.values(state.tensors));
    expect(opt.learningRate).toBe(0.02);
    b.trainable = true; // unfreeze
    step(3);
    expect(tf.memory().numTensors).toBe(before + 2 + 2);
    expect(opt.iterations).toBe(4);
    disposeAll([w, b], opt);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates gradients: missing, wrong shape, duplicate parameter names', () => {
    tf.tidy(() => {
      const w = parameter('w', [1, 2]);
      const opt = new Optimizer(sgd());
      expectError(() => opt.step([w], {}), 'NOT_FOUND', /no gradient for trainable parameter 'w'/);
      expectError(
        () => opt.step([w], { w: t1([1, 2, 3]) }),
        'SHAPE_MISMATCH',
        /gradient of 'w' has shape \[3\], expected .*\[2\]/,
      );
      expectError(
        () => opt.step([w, w], { w: t1([1, 2]) }),
        'INVALID_ARGUMENT',
        /parameter names must be unique/,
      );
      expect(opt.iterations).toBe(0);
      w.dispose();
    });
  });

  it('setState rejects what getState did not produce', () => {
    const opt = new Optimizer(sgd());
    expectError(
      () => opt.setState({ tensors: {}, meta: {} as never }),
      'CORRUPT_DATA',
      /must come from Optimizer.getState/,
    );
    const meta = {
      format: 'steadygrad.optimizer/1' as const,
      iterations: 1,
      parameterNames: ['w'],
      learningRateOverride: null,
      skeleton: [{ count: 1, learningRate: null }, { trace: { w: { $tensor: '1/trace/w' } } }],
    };
    expectError(
      () => opt.setState({ tensors: {}, meta }),
      'CORRUPT_DATA',
      /state tensor '1\/trace\/w' is missing/,
    );
    const empty = new Optimizer(sgd()).getState();
    expect(empty).toEqual({
      tensors: {},
      meta: {
        format: 'steadygrad.optimizer/1',
        iterations: 0,
        parameterNames: null,
        learningRateOverride: null,
        parameters: null,
        skeleton: null,
      },
    });
  });

  it('keeps the number of kernels per step low (Adam: 13 per parameter, SGD: 2)', async () => {
    const params = fixtureParameters();
    const grads = fixtureGrads(0);
    for (const [make, perParam] of [
      [() => adam(), 13],
      [() => sgd(), 2],
    ] as const) {
      const opt = new Optimizer(make());
      opt.step(params, grads); // lazy init outside the profile
      const info = await tf.profile(() => opt.step(params, grads));
      expect(info.kernels.length).toBeLessThanOrEqual(perParam * params.length);
      opt.dispose();
    }
    tf.dispose(Object.values(grads));
    disposeAll(params);
  });

  it('rejects something that is not a transformation', () => {
    expect(() => new Optimizer({} as never)).toThrow(/expects a gradient transformation/);
    try {
      new Optimizer(null as never);
    } catch (e) {
      expect(isSteadygradError(e, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});
