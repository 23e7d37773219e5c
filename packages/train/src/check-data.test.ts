import { arraySource, isSteadygradError, SteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { checkFiniteInput, checkTargets } from './check-data.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!isSteadygradError(e)) throw e;
    return `${e.code}: ${e.message}`;
  }
}

describe('checkFiniteInput', () => {
  it('finds NaN/Inf in tensors with one reduction and names the first sample', async () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([
      [0, 1],
      [2, Number.NaN],
      [Number.POSITIVE_INFINITY, 3],
    ]);
    expect(await codeOf(checkFiniteInput('x', x))).toBe(
      'NON_FINITE: x contains NaN or infinite values in 2 sample(s) (the first is sample 1); expected finite numbers — clean or impute the data before training',
    );
    x.dispose();
    const ok = tf.tensor2d([[1, 2]]);
    expect(await codeOf(checkFiniteInput('x', ok))).toBe('ok');
    ok.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scans host values of sources (and skips integer pixel arrays)', async () => {
    const src = arraySource(Float32Array.from([1, 2, 3, Number.NaN, 5, 6]), [2]);
    expect(await codeOf(checkFiniteInput('x', src))).toMatch(
      /^NON_FINITE: x contains NaN .*the first is sample 1/,
    );
    expect(await codeOf(checkFiniteInput('x', arraySource(new Uint8Array(8), [4], { scale: 1 / 255 })))).toBe(
      'ok',
    );
  });
});

describe('checkTargets', () => {
  const out10 = [null, 10] as const;
  it('sparse labels must be integers in [0, K)', async () => {
    const before = tf.memory().numTensors;
    const y = tf.tensor1d([0, 9, 10, 3], 'int32');
    expect(await codeOf(checkTargets('y', y, { kind: 'sparse_categorical', outputShape: out10 }))).toBe(
      'OUT_OF_RANGE: y: labels must be integers in [0, 10) for a model with 10 outputs, got labels from 0 to 10',
    );
    const neg = arraySource(Int32Array.from([-1, 2]), [], { dtype: 'int32' });
    expect(await codeOf(checkTargets('y', neg, { kind: 'sparse_categorical', outputShape: out10 }))).toMatch(
      /labels from -1 to 2/,
    );
    const frac = tf.tensor1d([0, 1.5]);
    expect(await codeOf(checkTargets('y', frac, { kind: 'sparse_categorical', outputShape: out10 }))).toMatch(
      /OUT_OF_RANGE: y: sparse categorical labels must be integer class indices, found 1 non-integer value\(s\) \(first in sample 1\)/,
    );
    const oneHot = tf.zeros([2, 10]);
    expect(
      await codeOf(checkTargets('y', oneHot, { kind: 'sparse_categorical', outputShape: out10 })),
    ).toMatch(/^SHAPE_MISMATCH: .*sample shape \[10\].*'categorical_crossentropy'/);
    const nan = tf.tensor1d([0, Number.NaN]);
    expect(await codeOf(checkTargets('y', nan, { kind: 'sparse_categorical', outputShape: out10 }))).toMatch(
      /^NON_FINITE: y/,
    );
    const good = tf.tensor2d([[0], [9]]);
    expect(await codeOf(checkTargets('y', good, { kind: 'sparse_categorical', outputShape: out10 }))).toBe(
      'ok',
    );
    tf.dispose([y, frac, oneHot, nan, good]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('categorical targets must match the output shape; binary targets lie in [0, 1]', async () => {
    const y = tf.zeros([2, 3]);
    expect(await codeOf(checkTargets('y', y, { kind: 'categorical', outputShape: out10 }))).toMatch(
      /^SHAPE_MISMATCH: y: categorical targets must have the model's output shape per sample \[10\], got \[3\]/,
    );
    const b = tf.tensor1d([0, 1, 2]);
    expect(await codeOf(checkTargets('y', b, { kind: 'binary', outputShape: [null, 1] }))).toBe(
      'OUT_OF_RANGE: y: binary cross-entropy targets must lie in [0, 1], got values from 0 to 2',
    );
    tf.dispose([y, b]);
  });

  it('throws SteadygradError instances', async () => {
    const y = tf.tensor1d([5], 'int32');
    await expect(
      checkTargets('y', y, { kind: 'sparse_categorical', outputShape: [null, 2] }),
    ).rejects.toBeInstanceOf(SteadygradError);
    y.dispose();
  });
});
