import { imageSource, labelSource, validationSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { experimentData } from '../../src/data.js';
import type { Experiment } from '../../src/experiment.js';
import { seedCell5Model } from '../../src/models.js';

export interface SeedCell5Result {
  readonly experiment: 'seed-cell-5';
  readonly backend: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  readonly history: Readonly<Record<string, readonly number[]>>;
}

/**
 * The page's quick run (not a CLI experiment): seed cell 5 alone — the BN-MLP of `models.ts` — trained with
 * the form's epochs, batch size and learning rate (SGD, momentum 0.9), validated on the first 1/12 of the
 * training images (at most 5,000), then evaluated on the test images. What the browser test trains on WebGL.
 */
export const seedCell5: Experiment<SeedCell5Result> = {
  name: 'seed-cell-5',
  description:
    'seed cell 5 alone: Flatten → BN → Dense 300 relu → BN → Dense 100 relu → BN → Dense 10 softmax (He normal), SGD momentum 0.9',
  async run(ctx) {
    const {
      epochs = 5,
      batchSize = 32,
      learningRate = 0.01,
    } = {
      epochs: ctx.epochs,
      batchSize: ctx.batchSize,
      learningRate: ctx.learningRate,
    };
    const data = await experimentData(ctx);
    const { train, valid } = validationSplit(data.train, {
      validationSize: Math.min(5000, Math.floor(data.train.count / 12)),
      position: 'first',
    });
    const model = seedCell5Model(ctx.seed);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate, momentum: 0.9 }),
      metrics: ['accuracy'],
    });
    try {
      ctx.onEvent?.({ type: 'phase', label: 'seed cell 5 (BN-MLP)' });
      const history = await trainer.fit(imageSource(train), labelSource(train), {
        epochs,
        batchSize,
        seed: ctx.seed,
        validationData: [imageSource(valid), labelSource(valid)],
        verbose: 0,
        callbacks: [...(ctx.callbacks ?? [])],
      });
      const test = await trainer.evaluate(imageSource(data.test), labelSource(data.test), { batchSize: 500 });
      ctx.log(`test accuracy ${test.accuracy?.toFixed(4)} on ${data.test.count} test images`);
      return {
        experiment: 'seed-cell-5',
        backend: ctx.backend,
        epochs,
        batchSize,
        learningRate,
        testAccuracy: test.accuracy ?? Number.NaN,
        testLoss: test.loss ?? Number.NaN,
        history: history.history,
      };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
};
