import { readFileSync } from 'node:fs';
import { isSteadygradError, registerGradients, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  EPSILON,
  getLoss,
  LOSS_NAMES,
  type Loss,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';
import { finiteDifferenceGradient, maxAbsDiff } from './test-utils/finite-difference.js';

interface FixtureCase {
  name: string;
  options: { loss: string; fromLogits?: boolean; labelSmoothing?: number };
  yTrue: unknown;
  yTrueShape: number[];
  yPred: unknown;
  yPredShape: number[];
  value: number;
  grad: unknown;
}

const fixtures = JSON.parse(readFileSync(new URL('./fixtures/losses.json', import.meta.url), 'utf8')) as {
  cases: FixtureCase[];
};

function lossFor(options: FixtureCase['options']): Loss {
  const { loss, fromLogits = false, labelSmoothing = 0 } = options;
  switch (loss) {
    case 'sparse_categorical_crossentropy':
      return sparseCategoricalCrossentropy({ fromLogits });
    case 'categorical_crossentropy':
      return categoricalCrossentropy({ fromLogits, labelSmoothing });
    case 'binary_crossentropy':
      return binaryCrossentropy({ fromLogits, labelSmoothing });
    default:
      return meanSquaredError();
  }
}

function flat(x: unknown): number[] {
  return (Array.isArray(x) ? x.flat(Number.POSITIVE_INFINITY) : [x]) as number[];
}

beforeAll(() => {
  registerGradients();
});

describe('losses against PyTorch (float64 reference, float32 here)', () => {
  for (const c of fixtures.cases) {
    it(`${c.name}: value and gradient`, () => {
      const before = tf.memory().numTensors;
      const loss = lossFor(c.options);
      const isSparse = c.options.loss === 'sparse_categorical_crossentropy';
      const yTrue = tf.tensor(flat(c.yTrue), c.yTrueShape, isSparse ? 'int32' : 'float32');
      const yPred = tf.tensor(flat(c.yPred), c.yPredShape, 'float32');
      const value = loss(yTrue, yPred);
      expect(value.rank).toBe(0);
      // float32 evaluation: allow a few float32 ulps of the value (|L| up to ~500 in the large-logit case).
      expect(Math.abs(value.dataSync()[0]! - c.value)).toBeLessThan(1e-6 * Math.max(1, Math.abs(c.value)));
      const grad = tf.grad((p: Tensor) => loss(yTrue, p))(yPred);
      expect(grad.shape).toEqual(c.yPredShape);
      expect(maxAbsDiff(grad.dataSync(), flat(c.grad))).toBeLessThan(2e-6);
      tf.dispose([yTrue, yPred, value, grad]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('finite-difference gradient checks', () => {
  const yPredLogits = tf.tensor2d([
    [0.3, -1.2, 2.0],
    [1.5, 0.2, -0.7],
    [-0.4, 0.9, 0.1],
  ]);
  const probs = tf.tensor2d([
    [0.2, 0.5, 0.3],
    [0.6, 0.3, 0.1],
    [0.25, 0.25, 0.5],
  ]);
  const sparseLabels = tf.tensor1d([2, 0, 1], 'int32');
  const oneHot = tf.tensor2d([
    [0, 0, 1],
    [1, 0, 0],
    [0.2, 0.7, 0.1],
  ]);
  const cases: [string, Loss, Tensor, Tensor][] = [
    ['sparse, logits', sparseCategoricalCrossentropy({ fromLogits: true }), sparseLabels, yPredLogits],
    ['sparse, probabilities', sparseCategoricalCrossentropy(), sparseLabels, probs],
    [
      'categorical, logits, smoothing',
      categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
      oneHot,
      yPredLogits,
    ],
    ['categorical, probabilities', categoricalCrossentropy(), oneHot, probs],
    ['binary, logits', binaryCrossentropy({ fromLogits: true }), oneHot, yPredLogits],
    ['binary, probabilities', binaryCrossentropy(), oneHot, probs],
    ['mse', meanSquaredError(), oneHot, yPredLogits],
  ];
  for (const [name, loss, yTrue, yPred] of cases) {
    it(name, () => {
      const before = tf.memory().numTensors;
      const analytic = tf.grad((p: Tensor) => loss(yTrue, p))(yPred);
      const numeric = finiteDifferenceGradient((p) => loss(yTrue, p), yPred, 1e-3);
      // float32 central differences with h = 1e-3: rounding error ~ 1e-7·|L|/h ≈ 1e-4, truncation O(h²).
      expect(maxAbsDiff(analytic.dataSync(), numeric)).toBeLessThan(5e-4);
      analytic.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('closed forms and numerical stability', () => {
  it('sparse cross-entropy of uniform logits is ln K', () => {
    const v = tf.tidy(() =>
      sparseCategoricalCrossentropy({ fromLogits: true })(
        tf.tensor1d([0, 3], 'int32'),
        tf.zeros([2, 4]),
      ).dataSync(),
    );
    expect(v[0]).toBeCloseTo(Math.log(4), 6);
  });

  it('clips probabilities to [1e-7, 1 − 1e-7] like Keras: a zero probability costs −ln(1e-7)', () => {
    expect(EPSILON).toBe(1e-7);
    const before = tf.memory().numTensors;
    const [sparse, bce, gradFinite] = tf.tidy(() => {
      const p = tf.tensor2d([
        [1, 0],
        [0, 1],
      ]);
      const s = sparseCategoricalCrossentropy()(tf.tensor1d([1, 1], 'int32'), p).dataSync()[0]!;
      const yb = tf.tensor1d([1, 0]);
      const pb = tf.tensor1d([0, 1]);
      const b = binaryCrossentropy()(yb, pb).dataSync()[0]!;
      const g = tf.grad((q: Tensor) => binaryCrossentropy()(yb, q))(pb);
      return [s, b, Array.from(g.dataSync()).every(Number.isFinite)] as const;
    });
    // sample 0: −ln(1e-7); sample 1: −ln(fround(1 − 1e-7)) ≈ 1.2e-7 (float32 rounds 1 − 1e-7 to 0.99999988)
    expect(sparse).toBeCloseTo((-Math.log(Math.fround(1e-7)) - Math.log(Math.fround(1 - 1e-7))) / 2, 4);
    // label 1 at p = 0 → −ln(1e-7); label 0 at p = 1 → −ln(1 − fround(1 − 1e-7)) = −ln(1.19e-7) in float32
    expect(bce).toBeCloseTo((-Math.log(Math.fround(1e-7)) - Math.log(1 - Math.fround(1 - 1e-7))) / 2, 4);
    expect(gradFinite).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('from-logits losses stay finite and exact for huge logits', () => {
    const v = tf.tidy(() => {
      const z = tf.tensor2d([[1e4, -1e4, 0]]);
      const sce = sparseCategoricalCrossentropy({ fromLogits: true })(tf.tensor1d([1], 'int32'), z);
      const bce = binaryCrossentropy({ fromLogits: true })(tf.tensor2d([[0, 1, 1]]), z);
      return tf.stack([sce, bce]).dataSync();
    });
    expect(v[0]).toBeCloseTo(2e4, 0);
    expect(v[1]).toBeCloseTo((1e4 + 1e4 + Math.log(2)) / 3, 1);
  });

  it('mse equals the plain mean of squared differences', () => {
    const v = tf.tidy(() =>
      meanSquaredError()(
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
        tf.tensor2d([
          [1, 0],
          [0, 4],
        ]),
      ).dataSync(),
    );
    expect(v[0]).toBeCloseTo((0 + 4 + 9 + 0) / 4, 6);
  });

  it('rejects mismatched shapes with both shapes in the message', () => {
    tf.tidy(() => {
      expect(() => categoricalCrossentropy()(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(
        /yTrue \[2,3\] and yPred \[2,4\]/,
      );
      expect(() => sparseCategoricalCrossentropy()(tf.zeros([3], 'int32'), tf.zeros([2, 4]))).toThrow(
        /labels must have shape \[2\]/,
      );
    });
  });
});

describe('binary cross-entropy from logits on every backend', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`keeps the tiny loss of a well-classified logit (z = ±20, ±30) on ${backend}, within 1e-6 relative of float64`, async () => {
      const previous = tf.getBackend();
      if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
      await tf.setBackend(backend);
      try {
        const before = tf.memory().numTensors;
        const loss = binaryCrossentropy({ fromLogits: true });
        for (const [z, y] of [
          [20, 1],
          [-20, 0],
          [30, 1],
          [-30, 0],
        ] as const) {
          const yTrue = tf.tensor1d([y]);
          const yPred = tf.tensor2d([[z]]);
          const l = loss(yTrue, yPred);
          const exact = Math.log1p(Math.exp(-Math.abs(z))); // = exp(−|z|) to float64 precision
          expect(Math.abs((l.dataSync()[0] as number) - exact) / exact, `z = ${z}`).toBeLessThan(1e-6);
          tf.dispose([l, yTrue, yPred]);
        }
        expect(tf.memory().numTensors).toBe(before);
      } finally {
        await tf.setBackend(previous);
      }
    });
  }
});

describe('getLoss', () => {
  it('resolves Keras names and factories, and carries kind and options', () => {
    expect(LOSS_NAMES).toEqual([
      'sparse_categorical_crossentropy',
      'categorical_crossentropy',
      'binary_crossentropy',
      'mean_squared_error',
      'mse',
    ]);
    const l = getLoss('sparse_categorical_crossentropy') as Loss;
    expect(l.kind).toBe('sparse_categorical');
    expect(l.fromLogits).toBe(false);
    expect((getLoss('mse') as Loss).lossName).toBe('mean_squared_error');
    // tfjs-layers' camelCase spellings resolve to the same losses
    expect((getLoss('sparseCategoricalCrossentropy') as Loss).kind).toBe('sparse_categorical');
    expect((getLoss('categoricalCrossentropy') as Loss).kind).toBe('categorical');
    expect((getLoss('binaryCrossentropy') as Loss).kind).toBe('binary');
    expect((getLoss('meanSquaredError') as Loss).lossName).toBe('mean_squared_error');
    expect((getLoss(binaryCrossentropy) as Loss).kind).toBe('binary');
    const custom = (a: Tensor, b: Tensor) => tf.mean(tf.abs(tf.sub(a, b))) as never;
    expect(getLoss(custom)).toBe(custom);
    expect(binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).config).toEqual({
      fromLogits: true,
      labelSmoothing: 0.1,
    });
  });

  it('unknown names throw UNKNOWN_NAME listing the valid ones', () => {
    try {
      // @ts-expect-error: not a name the type admits
      getLoss('crossentropy');
      expect.unreachable();
    } catch (e) {
      expect(isSteadygradError(e, 'UNKNOWN_NAME')).toBe(true);
      expect((e as SteadygradError).message).toMatch(
        /unknown loss "crossentropy"\. Valid names: 'sparse_categorical_crossentropy'.*'mse' \(snake_case or camelCase\)/,
      );
    }
    expect(() => categoricalCrossentropy({ labelSmoothing: 2 })).toThrow(
      /labelSmoothing must be a finite number >= 0 <= 1, got 2/,
    );
    expect(() => binaryCrossentropy({ fromLogits: 'yes' as never })).toThrow(SteadygradError);
  });
});
