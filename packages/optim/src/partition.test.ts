import { tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { Optimizer } from './optimizer.js';
import { partition } from './partition.js';
import { setToZero } from './set-to-zero.js';
import { sgd } from './sgd.js';
import { expectError } from './test-utils/expect-error.js';
import { arr, close, parameter, t1 } from './test-utils/values.js';

describe('partition', () => {
  it('gives each group its own transformation (a lower learning rate for a pretrained base)', () => {
    tf.tidy(() => {
      const tx = partition({ base: sgd({ learningRate: 0.01 }), head: sgd({ learningRate: 0.1 }) }, (name) =>
        name.startsWith('base/') ? 'base' : 'head',
      );
      const params = { 'base/w': t1([1, 1]), 'head/w': t1([1]) };
      const r = tx.update({ 'base/w': t1([1, 2]), 'head/w': t1([1]) }, tx.init(params), params);
      expect(close(arr(r.updates['base/w']!), [-0.01, -0.02])).toBe(true);
      expect(close(arr(r.updates['head/w']!), [-0.1])).toBe(true);
    });
  });

  it('freezes a group with setToZero: its parameters stay bit-identical through the Optimizer', () => {
    const before = tf.memory().numTensors;
    const frozen = parameter('base/w', [0.1, 0.2, 0.3]);
    const head = parameter('head/w', [1, 2]);
    const frozenValues = arr(frozen.variable);
    const opt = new Optimizer(
      partition({ base: setToZero(), head: sgd({ momentum: 0.9 }) }, { 'base/w': 'base', 'head/w': 'head' }),
    );
    for (let i = 0; i < 5; i++) {
      const g = { 'base/w': t1([1, -1, 1]), 'head/w': t1([1, 1]) };
      opt.step([frozen, head], g);
      tf.dispose(g);
    }
    expect(arr(frozen.variable)).toEqual(frozenValues);
    expect(arr(head.variable)[0]).toBeLessThan(1);
    opt.dispose();
    frozen.dispose();
    head.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads the first group learning rate and sets every group, keeping their ratios to it', () => {
    const tx = partition(
      { a: sgd({ learningRate: 0.5 }), frozen: setToZero(), b: sgd({ learningRate: 0.1 }) },
      () => 'a',
    );
    const s = tx.init({});
    expect(tx.learningRate!.get(s)).toBe(0.5);
    const s2 = tx.learningRate!.set(s, 0.01);
    expect(tx.learningRate!.get(s2)).toBe(0.01);
    // b had 1/5 of a's rate, and keeps it.
    expect((s2.b as { learningRate: number }[])[0]!.learningRate).toBeCloseTo(0.002, 15);
    // Halving (what ReduceLROnPlateau does) halves both.
    const s3 = tx.learningRate!.set(s2, tx.learningRate!.get(s2)! / 2);
    expect((s3.a as { learningRate: number }[])[0]!.learningRate).toBe(0.005);
    expect((s3.b as { learningRate: number }[])[0]!.learningRate).toBeCloseTo(0.001, 15);
  });

  it('takes the first group with a positive rate as the reference: a group at rate 0 stays at 0', () => {
    // A base frozen by a zero rate (fineTune's first phase) must not start training when a callback sets the rate.
    const tx = partition({ base: sgd({ learningRate: 0 }), head: sgd({ learningRate: 0.1 }) }, () => 'head');
    const s = tx.init({});
    expect(tx.learningRate!.get(s)).toBe(0.1);
    const s2 = tx.learningRate!.set(s, 0.05);
    expect((s2.base as { learningRate: number }[])[0]!.learningRate).toBe(0);
    expect((s2.head as { learningRate: number }[])[0]!.learningRate).toBe(0.05);
    expect(tx.learningRate!.get(s2)).toBe(0.05);
  });

  it('sets every group to the rate when no group has a positive rate (no ratio)', () => {
    const warmup = (step: number): number => step * 0.1;
    const tx = partition({ a: sgd({ learningRate: warmup }), b: sgd({ learningRate: warmup }) }, () => 'a');
    const s = tx.init({});
    expect(tx.learningRate!.get(s)).toBe(0);
    const s2 = tx.learningRate!.set(s, 0.03);
    expect((s2.a as { learningRate: number }[])[0]!.learningRate).toBe(0.03);
    expect((s2.b as { learningRate: number }[])[0]!.learningRate).toBe(0.03);
  });

  it('rejects unknown labels and an empty group set', () => {
    tf.tidy(() => {
      const tx = partition({ a: sgd() }, () => 'c');
      expectError(
        () => tx.init({ w: t1([1]) }),
        'UNKNOWN_NAME',
        /parameter 'w' has label "c", expected one of 'a'/,
      );
    });
    expectError(() => partition({}, () => 'a'), 'INVALID_ARGUMENT', /at least one group/);
  });
});
