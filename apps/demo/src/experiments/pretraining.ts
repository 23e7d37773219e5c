import { registerGradients } from '@steadygrad/core';
import { imageSource, labelSource, sliceSplit } from '@steadygrad/datasets';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { adam, nadam } from '@steadygrad/optim';
import { compile, type TrainableModel } from '@steadygrad/train';
import { Autoencoder, classifierFromEncoder } from '@steadygrad/transfer';
import { experimentData } from '../data.js';
import type { Experiment, ExperimentContext } from '../experiment.js';
import { describeProfile, limitOf, type ProfileFields, resolveProfile, seedList } from '../profile.js';
import { compareVariants, type SeedStats, type Significance, seedStats } from '../stats.js';

export type PretrainingSettings = {
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
  /** First N training images (`'none'`: all 60,000). */
  readonly limit: number | 'none';
};

/**
 * The seed describes unsupervised pretraining without code (and Géron's notebook leaves it as an exercise):
 * the notebook profile is the project's run — a 300-100 stacked autoencoder pretrained 3 epochs on all
 * 60,000 unlabeled images, then 30 epochs of Adam 1e-3 on the first 500 labels, 3 seeds. Quick: one seed.
 */
export const PRETRAINING_PROFILES: {
  readonly notebook: PretrainingSettings;
  readonly quick: Partial<PretrainingSettings>;
} = {
  notebook: {
    units: [300, 100],
    pretrainEpochs: 3,
    labels: 500,
    epochs: 30,
    learningRate: 1e-3,
    batchSize: 32,
    seeds: 3,
    limit: 'none',
  },
  quick: { seeds: 1 },
};

export interface PretrainingResult extends ProfileFields {
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
  /** Pretrained against scratch over the seeds (Welch t-test of the test accuracies). */
  readonly significance: Significance;
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
 *
 * Notebook-profile runtime on the shared 2-core machine (wasm, 1 thread), estimated: the autoencoder's
 * 3 epochs over 60,000 images (≈ 2× the cell 11 MLP's work, ≈ 10 s each) and 3 seeds × 2 classifiers × 30
 * epochs of 500 images (≈ 1 s each): ≈ 1–2 minutes.
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
      const profile = resolveProfile(ctx.profile, PRETRAINING_PROFILES, {
        pretrainEpochs: ctx.epochs,
        batchSize: ctx.batchSize,
        seeds: ctx.seeds,
        limit: ctx.limit,
        ...options,
      });
      const settings = profile.settings;
      ctx.log(describeProfile(profile));
      const data = await experimentData(ctx, limitOf(settings.limit));
      const unlabeled = imageSource(data.train);
      const labelled = sliceSplit(data.train, 0, Math.min(settings.labels, data.train.count));
      const x = imageSource(labelled);
      const y = labelSource(labelled);
      const xTest = imageSource(data.test);
      const yTest = labelSource(data.test);
      const seeds = seedList(ctx.seed, settings.seeds);

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
        const significance = compareVariants(
          'test accuracy',
          { label: 'scratch', values: scratch },
          { label: 'pretrained', values: pretrained },
        );
        ctx.log(significance.statement);
        return {
          profile: profile.profile,
          notebookDifferences: profile.notebookDifferences,
          experiment: 'pretraining',
          backend: ctx.backend,
          scratch: s,
          pretrained: p,
          labels: labelled.count,
          unlabeled: data.train.count,
          reconstructionLoss,
          seeds,
          settings,
          significance,
          seconds: (performance.now() - started) / 1000,
        };
      } finally {
        ae.dispose();
      }
    },
  };
}

export const pretraining: Experiment<PretrainingResult> = createPretrainingExperiment();
