import { Parameter, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { adam } from './adam.js';
import { nadam } from './nadam.js';
import { Optimizer, type OptimizerState } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';
import { descriptorDifferences, formatDescriptor } from './transform-descriptor.js';

const w = new Parameter('w', tf.tensor2d([1, 2, 3, 4], [2, 2]));
const b = new Parameter('b', tf.tensor1d([0.5, -0.5]));
afterAll(() => tf.dispose([w.variable, b.variable]));

function stepped(opt: Optimizer, steps = 2): Optimizer {
  for (let i = 0; i < steps; i++) {
    const g = { w: tf.fill([2, 2], 0.1 * (i + 1)), b: tf.fill([2], -0.2) };
    opt.step([w, b], g);
    tf.dispose(Object.values(g));
  }
  return opt;
}

/** The whole observable state, to prove a rejected setState changed nothing. */
function fingerprint(opt: Optimizer): string {
  const s = opt.getState();
  const out = JSON.stringify({
    meta: s.meta,
    values: Object.entries(s.tensors).map(([k, t]) => [k, t.shape, Array.from(t.dataSync())]),
  });
  tf.dispose(Object.values(s.tensors));
  return out;
}

function rejects(
  target: Optimizer,
  state: OptimizerState,
  code: string,
  message: RegExp,
  params?: Parameter[],
) {
  const before = fingerprint(target);
  const live = tf.memory().numTensors;
  let error: unknown;
  try {
    target.setState(state, params);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SteadygradError);
  expect((error as SteadygradError).code, (error as Error).message).toBe(code);
  expect((error as Error).message).toMatch(message);
  expect(tf.memory().numTensors).toBe(live);
  expect(fingerprint(target)).toBe(before);
}

describe('Optimizer.checkState / setState validate before changing anything (issue 20)', () => {
  it('describes the named optimizers with their hyperparameters', () => {
    const d = new Optimizer(adam({ learningRate: 0.01, clipNorm: 1 })).describe();
    expect(d.name).toBe('adam');
    expect(d.config).toEqual({
      learningRate: 0.01,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
      clipNorm: 1,
    });
    expect(d.links).toHaveLength(3); // the chain's links: clipByNorm, scaleByAdam, scaleByLearningRate
    expect(formatDescriptor({ name: 'sgd', config: { learningRate: 0.1 } })).toBe(
      'sgd({ learningRate: 0.1 })',
    );
    const diff = descriptorDifferences(new Optimizer(adam()).describe(), new Optimizer(nadam()).describe());
    expect(diff.join('\n')).toMatch(/adam\(.*\) was saved, this run has nadam/);
    expect(
      descriptorDifferences(
        new Optimizer(adam()).describe(),
        new Optimizer(adam({ learningRate: 0.5 })).describe(),
      ),
    ).toEqual(['adam learningRate is 0.001 in the checkpoint, 0.5 now']);
  });

  it('a state round-trips and restores bit for bit', () => {
    const a = stepped(new Optimizer(adam()));
    const s = a.getState();
    const c = new Optimizer(adam());
    c.setState(s, [w, b]);
    expect(fingerprint(c)).toBe(fingerprint(a));
    tf.dispose(Object.values(s.tensors));
    a.dispose();
    c.dispose();
  });

  it('rejects the state of another optimizer (rmsprop, sgd with momentum, an added clipNorm) as INCOMPATIBLE', () => {
    const saved = stepped(new Optimizer(adam()));
    const s = saved.getState();
    for (const make of [() => rmsprop(), () => sgd({ momentum: 0.9 }), () => adam({ clipNorm: 1 })]) {
      const target = stepped(new Optimizer(make()), 1);
      rejects(target, s, 'INCOMPATIBLE', /does not fit this optimizer/);
      rejects(target, s, 'INCOMPATIBLE', /does not fit this optimizer/, [w, b]);
      target.dispose();
    }
    // A fresh target (no state yet) is checked as well.
    rejects(new Optimizer(rmsprop()), s, 'INCOMPATIBLE', /entries|should be/);
    tf.dispose(Object.values(s.tensors));
    saved.dispose();
  });

  it('rejects tensors of the wrong shape or dtype, and parameters the model lacks', () => {
    const saved = stepped(new Optimizer(adam()));
    const s = saved.getState();
    const target = stepped(new Optimizer(adam()), 1);
    const key = Object.keys(s.tensors).find((k) => k.endsWith('/w'))!;
    const wrong: Record<string, Tensor> = { ...s.tensors, [key]: tf.zeros([3, 3]) };
    rejects(target, { meta: s.meta, tensors: wrong }, 'INCOMPATIBLE', /\[3,3\]|\[3, 3\]/);
    const int: Record<string, Tensor> = { ...s.tensors, [key]: tf.zeros([2, 2], 'int32') };
    rejects(target, { meta: s.meta, tensors: int }, 'INCOMPATIBLE', /int32/);
    const other = new Parameter('other', tf.zeros([2]));
    rejects(target, s, 'INCOMPATIBLE', /parameter 'w'/, [b, other]);
    tf.dispose([wrong[key]!, int[key]!, other.variable]);
    tf.dispose(Object.values(s.tensors));
    saved.dispose();
    target.dispose();
  });

  it('rejects values no optimizer writes (CORRUPT_DATA): NaN or negative learning rates, bad counts, strings', () => {
    const saved = stepped(new Optimizer(adam()));
    const s = saved.getState();
    const target = stepped(new Optimizer(adam()), 1);
    const meta = s.meta;
    const skeleton = meta.skeleton as [{ count: number }, { count: number; learningRate: number | null }];
    const cases: [string, unknown, RegExp][] = [
      ['learningRateOverride', { ...meta, learningRateOverride: -50 }, /learningRateOverride/],
      ['learningRateOverride NaN', { ...meta, learningRateOverride: Number.NaN }, /learningRateOverride/],
      ['iterations', { ...meta, iterations: 1.5 }, /iterations/],
      ['count', { ...meta, skeleton: [{ ...skeleton[0], count: -3 }, skeleton[1]] }, /count/],
      [
        'lr leaf',
        { ...meta, skeleton: [skeleton[0], { ...skeleton[1], learningRate: -50 }] },
        /learning rate/,
      ],
      ['string count', { ...meta, skeleton: [{ ...skeleton[0], count: '2' }, skeleton[1]] }, /count/],
      ['duplicate names', { ...meta, parameterNames: ['w', 'w'] }, /unique/],
      ['extra tensor', meta, /not part of the state/],
    ];
    for (const [name, m, re] of cases) {
      const tensors =
        name === 'extra tensor' ? { ...s.tensors, stray: s.tensors[Object.keys(s.tensors)[0]!]! } : s.tensors;
      rejects(target, { meta: m as OptimizerState['meta'], tensors }, 'CORRUPT_DATA', re);
    }
    tf.dispose(Object.values(s.tensors));
    saved.dispose();
    target.dispose();
  });
});
