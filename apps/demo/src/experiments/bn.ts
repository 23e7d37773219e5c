import { imageSource, labelSource, validationSplit } from '@steadygrad/datasets';
import type { Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment } from '../experiment.js';
import { seedCell5Model, seedCell8Model, seedCell11Model } from '../models.js';
import { firstStepGradientNorms } from './gradient-norms.js';

export interface BnVariantResult {
  readonly variant: 'plain' | 'bn-after-activation' | 'bn-before-activation';
  readonly testAccuracy: number;
  readonly secondsPerEpoch: number;
  readonly valAccuracy: readonly number[];
  /** Per training step (the first `gradientSteps`), the gradient norm of each Dense kernel, input to output. */
  readonly kernelGradientNorms: readonly (readonly number[])[];
}

export interface BnResult {
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly optimizer: string;
  readonly results: readonly BnVariantResult[];
}

const VARIANTS: readonly {
  readonly variant: BnVariantResult['variant'];
  readonly build: (seed: number) => Sequential;
}[] = [
  { variant: 'plain', build: seedCell11Model },
  { variant: 'bn-after-activation', build: seedCell5Model },
  { variant: 'bn-before-activation', build: (seed) => seedCell8Model(seed) },
];

/**
 * Seed cells 5 and 8 against the plain MLP of cell 11: same seed, same data order, same optimizer
 * (SGD, learning rate 0.01, momentum 0.9), Fashion-MNIST with the first 5,000 training images for validation.
 * Before training, the gradient norm of every Dense kernel is recorded over the first steps on the real
 * training batches — what batch normalization does to the gradients.
 */
export const bn: Experiment<BnResult> = {
  name: 'bn',
  description: 'seed cells 5 and 8: batch normalization after / before the activation vs the plain MLP',
  async run(ctx) {
    const { epochs = 5, batchSize = 32 } = { epochs: ctx.epochs, batchSize: ctx.batchSize };
    const data = await experimentData(ctx);
    const { train, valid } = validationSplit(data.train, {
      validationSize: Math.min(5000, Math.floor(data.train.count / 12)),
      position: 'first',
    });
    const results: BnVariantResult[] = [];
    for (const { variant, build } of VARIANTS) {
      const model = build(ctx.seed);
      const optimizer = sgd({ learningRate: 0.01, momentum: 0.9 });
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer,
        metrics: ['accuracy'],
      });
      try {
        const kernelGradientNorms = firstStepGradientNorms(model, imageSource(train), labelSource(train), {
          steps: 20,
          batchSize,
          seed: ctx.seed,
        });
        const started = performance.now();
        const history = await trainer.fit(imageSource(train), labelSource(train), {
          epochs,
          batchSize,
          seed: ctx.seed,
          validationData: [imageSource(valid), labelSource(valid)],
          verbose: ctx.verbose,
        });
        const secondsPerEpoch = (performance.now() - started) / 1000 / epochs;
        const test = await trainer.evaluate(imageSource(data.test), labelSource(data.test), {
          batchSize: 1000,
        });
        ctx.log(
          `${variant}: test accuracy ${test.accuracy?.toFixed(4)}, ${secondsPerEpoch.toFixed(1)} s/epoch`,
        );
        results.push({
          variant,
          testAccuracy: test.accuracy ?? Number.NaN,
          secondsPerEpoch,
          valAccuracy: history.history.val_accuracy ?? [],
          kernelGradientNorms,
        });
      } finally {
        trainer.dispose();
        model.dispose();
      }
    }
    return { epochs, batchSize, seed: ctx.seed, optimizer: 'sgd(lr=0.01, momentum=0.9)', results };
  },
};
