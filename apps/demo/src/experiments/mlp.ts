import { imageSource, labelSource, validationSplit } from '@steadygrad/datasets';

import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment } from '../experiment.js';
import { seedCell11Model } from '../models.js';

export interface MlpResult {
  readonly experiment: 'mlp';
  readonly backend: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly learningRate: number;
  readonly secondsPerEpoch: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly history: Readonly<Record<string, readonly number[]>>;
}

/**
 * Seed cell 11 — the chapter's baseline MLP — trained on Fashion-MNIST with plain SGD (Keras's
 * `optimizer="sgd"`: learning rate 0.01), validated on the first 5,000 training images as Géron does.
 */
export const mlp: Experiment<MlpResult> = {
  name: 'mlp',
  description:
    'seed cell 11: Flatten → Dense 300 relu → Dense 100 relu → Dense 10 softmax, SGD, Fashion-MNIST',
  async run(ctx) {
    const { epochs = 5, batchSize = 32 } = { epochs: ctx.epochs, batchSize: ctx.batchSize };
    const learningRate = ctx.learningRate ?? 0.01;
    const data = await experimentData(ctx);
    const { train, valid } = validationSplit(data.train, {
      validationSize: Math.min(5000, Math.floor(data.train.count / 12)),
      position: 'first',
    });

    const model = seedCell11Model(ctx.seed);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate }),
      metrics: ['accuracy'],
    });
    try {
      const started = performance.now();
      const history = await trainer.fit(imageSource(train), labelSource(train), {
        epochs,
        batchSize,
        seed: ctx.seed,
        validationData: [imageSource(valid), labelSource(valid)],
        verbose: ctx.verbose,
        callbacks: [...(ctx.callbacks ?? [])],
      });
      const secondsPerEpoch = (performance.now() - started) / 1000 / epochs;
      const test = await trainer.evaluate(imageSource(data.test), labelSource(data.test), {
        batchSize: 1000,
      });
      ctx.log(`test accuracy ${test.accuracy?.toFixed(4)}, ${secondsPerEpoch.toFixed(1)} s/epoch`);
      return {
        experiment: 'mlp',
        backend: ctx.backend,
        epochs,
        batchSize,
        seed: ctx.seed,
        learningRate,
        secondsPerEpoch,
        testAccuracy: test.accuracy ?? Number.NaN,
        testLoss: test.loss ?? Number.NaN,
        history: history.history,
      };
    } finally {
      trainer.dispose?.();
      model.dispose();
    }
  },
};
