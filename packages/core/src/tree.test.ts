import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { collectTensors, disposeExcept, flattenTree, unflattenTree } from './tree.js';

describe('tensor trees', () => {
  it('collects, flattens and restores nested state', () => {
    const a = tf.scalar(1);
    const b = tf.tensor1d([1, 2]);
    const state = { count: 3, mu: { 'dense/kernel': a, 'dense/bias': b }, list: [a, 'x', null] };
    expect(collectTensors(state)).toEqual([a, b, a]);
    const { tensors, skeleton } = flattenTree(state);
    expect(Object.keys(tensors)).toEqual(['mu/dense/kernel', 'mu/dense/bias', 'list/0']);
    const back = unflattenTree(JSON.parse(JSON.stringify(skeleton)), tensors) as typeof state;
    expect(back.count).toBe(3);
    expect(back.mu['dense/bias']).toBe(b);
    expect(back.list[1]).toBe('x');
    expect(() => unflattenTree({ x: { $tensor: 'nope' } }, {})).toThrow(/state tensor 'nope' is missing/);
    tf.dispose([a, b]);
  });

  it('disposeExcept keeps shared tensors alive', () => {
    const before = tf.memory().numTensors;
    const shared = tf.scalar(1);
    const old = { a: shared, b: tf.scalar(2) };
    const next = { a: shared, b: tf.scalar(3) };
    disposeExcept(old, next);
    expect(old.b.isDisposed).toBe(true);
    expect(shared.isDisposed).toBe(false);
    tf.dispose([next.a, next.b]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
