// @steadygrad/train from its tarball: a tiny fit that must lower the loss, then evaluate and predict.
import { tf, useBackend } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';

await useBackend('wasm');
const x = tf.tensor2d([0, 0, 0, 1, 1, 0, 1, 1, 0.1, 0.9, 0.9, 0.1, 0.8, 0.8, 0.2, 0.2], [8, 2]);
const y = tf.tensor1d([0, 0, 0, 1, 0, 0, 1, 0], 'int32');
const model = new Sequential(
  [
    new Dense({ units: 8, activation: 'relu', inputShape: [2] }),
    new Dense({ units: 2, activation: 'softmax' }),
  ],
  {
    seed: 3,
  },
);
const trainer = compile(model, {
  loss: 'sparse_categorical_crossentropy',
  optimizer: sgd({ learningRate: 0.5 }),
  metrics: ['accuracy'],
});
const history = await trainer.fit(x, y, { epochs: 20, batchSize: 4, seed: 0, verbose: 0 });
const loss = history.history.loss!;
if (loss.length !== 20 || !(loss[19]! < loss[0]!)) throw new Error(`loss did not decrease: ${loss}`);
const evaluated = await trainer.evaluate(x, y);
if (!(typeof evaluated.loss === 'number' && Number.isFinite(evaluated.loss))) throw new Error('evaluate');
const p = trainer.predict(x);
if (p.shape.join('x') !== '8x2') throw new Error(`predict shape ${p.shape}`);
p.dispose();
console.log(`train: ok (loss ${loss[0]!.toFixed(4)} -> ${loss[19]!.toFixed(4)})`);
