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

  it('reads the first group learning rate and sets every group', () => {
    const tx = partition(
      { a: sgd({ learningRate: 0.5 }), frozen: setToZero(), b: sgd({ learningRate: 0.1 }) },
      () => 'a',
    );
    const s = tx.init({});
    expect(tx.learningRate!.get(s)).toBe(0.5);
    const s2 = tx.learningRate!.set(s, 0.01);
    expect(tx.learningRate!.get(s2)).toBe(0.01);
    expect((s2.b as unknown[])[0]).toEqual({ count: 0, learningRate: 0.01 });
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
