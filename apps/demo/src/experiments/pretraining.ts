import { registerGradients } from '@steadygrad/core';
import { imageSource, labelSource, sliceSplit } from '@steadygrad/datasets';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { adam, nadam } from '@steadygrad/optim';
import { compile, type TrainableModel } from '@steadygrad/train';
import { Autoencoder, classifierFromEncoder } from '@steadygrad/transfer';
import { experimentData } from '../data.js';
import type { Experiment, ExperimentContext } from '../experiment.js';
import { type SeedStats, seedStats } from '../stats.js';

export interface PretrainingSettings {
  /** Encoder widths (the classifier's hidden layers). Default `[300, 100]`, seed cell 11's MLP. */
  readonly units: readonly number[];
  /** Autoencoder epochs on the unlabeled images. Default 3 (`--epochs`). */
  readonly pretrainEpochs: number;
  /** Labelled training images (the first ones). Default 500. */
  readonly labels: number;
  /** Classifier epochs, the same for both arms. Default 30. */
  readonly epochs: number;
  /** Adam learning rate of both classifiers. Default 1e-3. */
  readonly learningRate: number;
  readonly batchSize: number;
  readonly seeds: number;
}

export interface PretrainingResult {
  readonly experiment: 'pretraining';
  readonly backend: string;
  /** Test accuracy (10 classes, the whole test set) over seeds. */
  readonly scratch: SeedStats;
  readonly pretrained: SeedStats;
  /** Labelled images used to train the classifiers. */
  readonly labels: number;
  /** Unlabeled images the autoencoder saw. */
  readonly unlabeled: number;
  readonly reconstructionLoss: readonly number[];
  readonly seeds: readonly number[];
  readonly settings: PretrainingSettings;
  readonly seconds: number;
}

function mlp(units: readonly number[], seed: number): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [28, 28] }),
      ...units.map((u) => new Dense(u, { activation: 'relu' })),
      new Dense(10, { activation: 'softmax' }),
    ],
    { seed },
  );
}

/**
 * Unsupervised pretraining (the seed's section of that name; Géron, "Unsupervised Pretraining Using Stacked
 * Autoencoders"): a stacked autoencoder (encoder `Flatten → 300 relu → 100 relu`, mirrored decoder with a
 * sigmoid output, MSE, Nadam) is trained on **all** training images without their labels; then a classifier
 * made of its encoder plus a new 10-way softmax is trained on the first `labels` (500) labelled images,
 * against the same classifier from a random initialization on the same images — same optimizer (Adam 1e-3),
 * epochs (30) and batch size, every layer trained. Test accuracy on the whole test set, over seeds (the
 * autoencoder is pretrained once, with `--seed`; each seed sets the head's / the scratch model's init and
 * the shuffling).
 */
export function createPretrainingExperiment(
  options: Partial<PretrainingSettings> = {},
): Experiment<PretrainingResult> {
  return {
    name: 'pretraining',
    description:
      'unsupervised pretraining: stacked autoencoder on all unlabeled images, then a classifier on 500 labels vs the same classifier from scratch',
    async run(ctx: ExperimentContext): Promise<PretrainingResult> {
      registerGradients();
      const started = performance.now();
      const settings: PretrainingSettings = {
        units: options.units ?? [300, 100],
        pretrainEpochs: options.pretrainEpochs ?? ctx.epochs ?? 3,
        labels: options.labels ?? 500,
        epochs: options.epochs ?? 30,
        learningRate: options.learningRate ?? 1e-3,
        batchSize: options.batchSize ?? ctx.batchSize ?? 32,
        seeds: options.seeds ?? ctx.seeds ?? 3,
      };
      const data = await experimentData(ctx);
      const unlabeled = imageSource(data.train);
      const labelled = sliceSplit(data.train, 0, Math.min(settings.labels, data.train.count));
      const x = imageSource(labelled);
      const y = labelSource(labelled);
      const xTest = imageSource(data.test);
      const yTest = labelSource(data.test);
      const seeds = Array.from({ length: settings.seeds }, (_, i) => ctx.seed + i);

      const ae = new Autoencoder({ inputShape: [28, 28], units: settings.units, seed: ctx.seed });
      const scratch: number[] = [];
      const pretrained: number[] = [];
      try {
        const history = await ae.pretrain(unlabeled, {
          epochs: settings.pretrainEpochs,
          batchSize: settings.batchSize,
          optimizer: nadam(),
          seed: ctx.seed,
          verbose: ctx.verbose,
        });
        const reconstructionLoss = history.history.loss ?? [];
        ctx.log(
          `autoencoder on ${data.train.count} unlabeled images: reconstruction MSE per epoch ${reconstructionLoss.map((v) => v.toFixed(4)).join(', ')}`,
        );
        const train = async (model: TrainableModel, seed: number): Promise<number> => {
          const trainer = compile(model, {
            loss: 'sparse_categorical_crossentropy',
            optimizer: adam({ learningRate: settings.learningRate }),
            metrics: ['accuracy'],
          });
          try {
            await trainer.fit(x, y, {
              epochs: settings.epochs,
              batchSize: settings.batchSize,
              seed,
              verbose: ctx.verbose,
            });
            return (await trainer.evaluate(xTest, yTest, { batchSize: 1000 })).accuracy ?? Number.NaN;
          } finally {
            trainer.dispose();
          }
        };
        for (const seed of seeds) {
          const fromScratch = mlp(settings.units, seed);
          try {
            scratch.push(await train(fromScratch, seed));
          } finally {
            fromScratch.dispose();
          }
          const clf = classifierFromEncoder(ae, { head: new Dense(10, { activation: 'softmax' }), seed });
          try {
            pretrained.push(await train(clf.model, seed));
          } finally {
            clf.dispose();
          }
          ctx.log(
            `seed ${seed}: scratch ${scratch.at(-1)?.toFixed(4)}, pretrained ${pretrained.at(-1)?.toFixed(4)}`,
          );
        }
        const s = seedStats(scratch);
        const p = seedStats(pretrained);
        ctx.log(
          `test accuracy with ${labelled.count} labels over ${seeds.length} seeds: scratch ${s.mean.toFixed(4)} ± ${s.std.toFixed(4)}, pretrained ${p.mean.toFixed(4)} ± ${p.std.toFixed(4)}`,
        );
        return {
          experiment: 'pretraining',
          backend: ctx.backend,
          scratch: s,
          pretrained: p,
          labels: labelled.count,
          unlabeled: data.train.count,
          reconstructionLoss,
          seeds,
          settings,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        ae.dispose();
      }
    },
  };
}

export const pretraining: Experiment<PretrainingResult> = createPretrainingExperiment();
