// Keras 3 computes the cross-entropy of a softmax output layer from the softmax's cached logits, not from
// clipped probabilities (issue #25: the systematic cell-5 gap). Checked against Keras 3 itself
// (tooling/fixtures/train-softmax-keras.py → fixtures/softmax-keras.json): evaluate's loss, one SGD step's
// loss and updated weights, on the cpu backend (op graph) and on wasm (the fused host kernels), with a
// softmax Dense layer and with a separate softmax Activation layer.
import '@tensorflow/tfjs-backend-wasm';
import { markSoftmaxOutput, registerGradients, tf } from '@steadygrad/core';
import { Activation, Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixture from './fixtures/softmax-keras.json' with { type: 'json' };
import { categoricalCrossentropy, EPSILON, SOFTMAX_FLOOR, sparseCategoricalCrossentropy } from './losses.js';
import { compile } from './trainer.js';

beforeAll(() => {
  registerGradients();
});

afterAll(async () => {
  await tf.setBackend('cpu');
});

type Layout = 'softmax Dense' | 'Dense + Activation(softmax)';

function model(layout: Layout): Sequential {
  const layers =
    layout === 'softmax Dense'
      ? [new Dense({ units: 3, activation: 'softmax', inputShape: [2] })]
      : [new Dense({ units: 3, inputShape: [2] }), new Activation('softmax')];
  const m = new Sequential(layers, { seed: 1 });
  m.build();
  const weights = [tf.tensor2d(fixture.kernel), tf.tensor1d(fixture.bias)];
  m.setWeights(weights);
  tf.dispose(weights);
  return m;
}

function close(actual: ArrayLike<number>, expected: readonly number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e)));
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`softmax output layer, Keras 3's exact cross-entropy, on ${backend}`, () => {
    beforeAll(async () => {
      expect(await tf.setBackend(backend)).toBe(true);
      await tf.ready();
    });

    for (const c of fixture.cases) {
      for (const layout of ['softmax Dense', 'Dense + Activation(softmax)'] as const) {
        it(`${c.loss}, ${layout}: evaluate and one SGD step match Keras 3`, async () => {
          const before = tf.memory().numTensors;
          const m = model(layout);
          const trainer = compile(m, {
            loss: c.loss as 'sparse_categorical_crossentropy' | 'categorical_crossentropy',
            optimizer: sgd({ learningRate: fixture.learningRate }),
          });
          const x = tf.tensor2d(fixture.x);
          const y =
            c.loss === 'sparse_categorical_crossentropy'
              ? tf.tensor1d(fixture.labels, 'int32')
              : tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(fixture.labels, 'int32'), 3), 'float32'));
          const logs = await trainer.evaluate(x, y, { batchSize: 4 });
          // The ε clip would give (16.12 + 0 + 16.12 + 3.29) / 4 ≈ 8.88: two samples have p < 1e-7.
          expect(logs.loss).toBeCloseTo(c.evaluateLoss, 4);
          const loss = trainer.trainOnBatch(x, y);
          expect(loss.dataSync()[0]).toBeCloseTo(c.trainLoss, 4);
          const [k, b] = m.getWeights();
          close(k!.dataSync(), c.kernelAfter.flat(), 1e-5);
          close(b!.dataSync(), c.biasAfter, 1e-5);
          for (const t of [loss, x, y, k!, b!]) t.dispose();
          trainer.dispose();
          m.dispose();
          expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    it('unmarked probabilities keep the ε clip (the loss of a plain tensor, as Keras without logits)', () => {
      const p = tf.tensor2d([[1e-9, 0.5, 0.5 - 1e-9]]);
      const labels = tf.tensor1d([0], 'int32');
      const sparse = sparseCategoricalCrossentropy()(labels, p);
      expect(sparse.dataSync()[0]).toBeCloseTo(-Math.log(EPSILON), 3);
      const marked = markSoftmaxOutput(p.clone());
      const exact = sparseCategoricalCrossentropy()(labels, marked);
      expect(exact.dataSync()[0]).toBeCloseTo(-Math.log(Math.fround(1e-9)), 3);
      const oneHot = tf.tensor2d([[1, 0, 0]]);
      const cat = categoricalCrossentropy()(oneHot, marked);
      expect(cat.dataSync()[0]).toBeCloseTo(-Math.log(Math.fround(1e-9)), 3);
      // An underflowed softmax probability is floored at 2⁻¹²⁶: a finite loss of 126·ln 2.
      const zero = markSoftmaxOutput(tf.tensor2d([[0, 0.5, 0.5]]));
      expect(sparseCategoricalCrossentropy()(labels, zero).dataSync()[0]).toBeCloseTo(
        -Math.log(SOFTMAX_FLOOR),
        3,
      );
      tf.dispose([p, labels, sparse, marked, exact, oneHot, cat, zero]);
    });

    it('the gradient reaching the logits is (p − y)/n, as from logits, for confidently wrong samples too', () => {
      const z = tf.tensor2d([
        [-20, 0, 5],
        [3, -1, 2],
      ]);
      const labels = tf.tensor1d([0, 2], 'int32');
      const viaProbabilities = tf.grad((logits: tf.Tensor) =>
        sparseCategoricalCrossentropy()(labels, markSoftmaxOutput(tf.softmax(logits))),
      )(z);
      const viaLogits = tf.grad((logits: tf.Tensor) =>
        sparseCategoricalCrossentropy({ fromLogits: true })(labels, logits),
      )(z);
      close(viaProbabilities.dataSync(), Array.from(viaLogits.dataSync()), 1e-6);
      // Row 0's label has p ≈ 1.4e-11: under the ε clip its gradient would be 0 on every logit.
      expect(viaProbabilities.dataSync()[0]).toBeCloseTo(-0.5, 6);
      tf.dispose([z, labels, viaProbabilities, viaLogits]);
    });
  });
}
