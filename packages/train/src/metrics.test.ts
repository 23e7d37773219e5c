import { isSteadygradError, SteadygradError, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import {
  binaryAccuracy,
  categoricalAccuracy,
  getMetric,
  METRIC_NAMES,
  meanAbsoluteError,
  resolveAccuracy,
  sparseCategoricalAccuracy,
} from './metrics.js';

function values(f: () => tf.Tensor): number[] {
  return tf.tidy(() => Array.from(f().dataSync()));
}

describe('accuracy metrics', () => {
  const probs = [
    [0.1, 0.7, 0.2],
    [0.5, 0.3, 0.2],
    [0.2, 0.3, 0.5],
    [0.3, 0.3, 0.4],
  ];

  it('sparse categorical accuracy compares the argmax with integer labels ([n] or [n, 1])', () => {
    const before = tf.memory().numTensors;
    const m = sparseCategoricalAccuracy();
    expect(values(() => m.perSample(tf.tensor1d([1, 0, 1, 2], 'int32'), tf.tensor2d(probs)))).toEqual([
      1, 1, 0, 1,
    ]);
    expect(values(() => m.perSample(tf.tensor2d([[1], [2], [2], [2]]), tf.tensor2d(probs)))).toEqual([
      1, 0, 1, 1,
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('categorical accuracy compares argmaxes', () => {
    const y = [
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 1],
      [1, 0, 0],
    ];
    expect(values(() => categoricalAccuracy().perSample(tf.tensor2d(y), tf.tensor2d(probs)))).toEqual([
      1, 0, 1, 0,
    ]);
  });

  it('binary accuracy thresholds predictions (0.5 for probabilities, 0 for logits) and averages the last axis', () => {
    expect(
      values(() =>
        binaryAccuracy().perSample(tf.tensor1d([1, 0, 1, 0]), tf.tensor2d([[0.9], [0.6], [0.4], [0.1]])),
      ),
    ).toEqual([1, 0, 0, 1]);
    expect(
      values(() =>
        binaryAccuracy({ threshold: 0 }).perSample(
          tf.tensor2d([
            [1, 0],
            [0, 0],
          ]),
          tf.tensor2d([
            [2, -1],
            [0.3, -4],
          ]),
        ),
      ),
    ).toEqual([1, 0.5]);
    expect(() => binaryAccuracy({ threshold: Number.NaN })).toThrow(SteadygradError);
  });

  it('mae averages absolute errors per sample', () => {
    expect(
      values(() =>
        meanAbsoluteError().perSample(
          tf.tensor2d([
            [1, 2],
            [0, 0],
          ]),
          tf.tensor2d([
            [0, 4],
            [1, -1],
          ]),
        ),
      ),
    ).toEqual([1.5, 1]);
  });
});

describe("resolving 'accuracy' like Keras", () => {
  it('from the loss kind', () => {
    expect(resolveAccuracy('accuracy', { lossKind: 'sparse_categorical' }).perSample).toBeDefined();
    const sparse = getMetric('accuracy', { lossKind: 'sparse_categorical' });
    expect(sparse.name).toBe('accuracy');
    expect(values(() => sparse.perSample(tf.tensor1d([2], 'int32'), tf.tensor2d([[0, 0, 1]])))).toEqual([1]);
    const cat = getMetric('acc', { lossKind: 'categorical' });
    expect(cat.name).toBe('acc');
    expect(values(() => cat.perSample(tf.tensor2d([[0, 0, 1]]), tf.tensor2d([[0, 0, 1]])))).toEqual([1]);
    // logits: threshold 0, so a logit of 0.3 (p = 0.57) counts as class 1
    const binLogits = getMetric('accuracy', { lossKind: 'binary', fromLogits: true });
    expect(values(() => binLogits.perSample(tf.tensor1d([1, 0]), tf.tensor2d([[0.3], [-0.2]])))).toEqual([
      1, 1,
    ]);
    const binProbs = getMetric('accuracy', { lossKind: 'binary' });
    expect(values(() => binProbs.perSample(tf.tensor1d([1, 0]), tf.tensor2d([[0.3], [0.2]])))).toEqual([
      0, 1,
    ]);
  });

  it('from the shapes (Keras 3 rule) for other losses', () => {
    const m1 = getMetric('accuracy', {
      lossKind: 'regression',
      yTrueShape: [null, 1],
      yPredShape: [null, 1],
    });
    expect(values(() => m1.perSample(tf.tensor2d([[1]]), tf.tensor2d([[0.8]])))).toEqual([1]);
    const m2 = getMetric('accuracy', { yTrueShape: [null], yPredShape: [null, 3] });
    expect(values(() => m2.perSample(tf.tensor1d([1]), tf.tensor2d([[0, 1, 0]])))).toEqual([1]);
    const m3 = getMetric('accuracy', { yTrueShape: [null, 3], yPredShape: [null, 3] });
    expect(values(() => m3.perSample(tf.tensor2d([[0, 0, 1]]), tf.tensor2d([[0, 1, 0]])))).toEqual([0]);
    expect(() => getMetric('accuracy', {})).toThrow(/cannot tell which 'accuracy'/);
  });

  it('unknown names throw UNKNOWN_NAME listing the valid ones', () => {
    expect(METRIC_NAMES).toContain('sparse_categorical_accuracy');
    // camelCase resolves to the same metric, logged under the name as given
    expect(getMetric('sparseCategoricalAccuracy').name).toBe('sparseCategoricalAccuracy');
    expect(getMetric('meanAbsoluteError').name).toBe('meanAbsoluteError');
    expect(() => getMetric(42 as never)).toThrow(/a metric must be a name/);
    try {
      // @ts-expect-error: not a name the type admits
      getMetric('precision');
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'UNKNOWN_NAME')).toBe(true);
      expect((e as Error).message).toMatch(/unknown metric "precision"\. Valid names: 'accuracy', 'acc', /);
    }
  });
});
