import { imageSource, labelSource, validationSplit } from '@steadygrad/datasets';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { sgd } from '@steadygrad/optim';
import { compile, findLearningRate } from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment } from '../experiment.js';
import { describeProfile, limitOf, type ProfileFields, resolveProfile } from '../profile.js';

/** The settings of the `lr-finder` experiment (values in {@link LR_FINDER_PROFILES}). */
export type LrFinderSettings = {
  /** At most this many sweep steps (fewer when one epoch has fewer batches, at least 20). */
  readonly maxSteps: number;
  readonly batchSize: number;
  readonly minLr: number;
  readonly maxLr: number;
  /** First N training images (`'none'`: all 60,000, the first 5,000 of them for validation). */
  readonly limit: number | 'none';
};

/**
 * The seed has no LR finder (it is the 1cycle recipe's first step in Géron's chapter): the notebook profile
 * is the project's sweep, 300 steps of batch 32 from 1e-5 to 10 on all the training images; a run takes
 * seconds, so the quick profile is the same.
 */
export const LR_FINDER_PROFILES: {
  readonly notebook: LrFinderSettings;
  readonly quick: Partial<LrFinderSettings>;
} = {
  notebook: { maxSteps: 300, batchSize: 32, minLr: 1e-5, maxLr: 10, limit: 'none' },
  quick: {},
};

export interface LrFinderResult extends ProfileFields {
  readonly settings: LrFinderSettings;
  readonly experiment: 'lr-finder';
  readonly backend: string;
  readonly steps: number;
  readonly batchSize: number;
  readonly lrs: number[];
  readonly losses: number[];
  readonly minLossLr: number;
  readonly suggestedMaxLr: number;
}

/** Seed cell 5: Flatten → BN → Dense 300 relu he_normal → BN → Dense 100 relu he_normal → BN → Dense 10 softmax. */
export function buildCell5Model(seed: number): Sequential {
  const model = new Sequential([], { seed });
  model.add(new Flatten({ inputShape: [28, 28] }));
  model.add(new BatchNormalization());
  model.add(new Dense({ units: 300, activation: 'relu', kernelInitializer: 'he_normal' }));
  model.add(new BatchNormalization());
  model.add(new Dense({ units: 100, activation: 'relu', kernelInitializer: 'he_normal' }));
  model.add(new BatchNormalization());
  model.add(new Dense({ units: 10, activation: 'softmax' }));
  return model;
}

/**
 * The learning-rate range test that the 1cycle recipe starts from, on the seed cell 5 model with SGD: 300
 * steps of batch 32 with the rate growing exponentially from 1e-5 to 10 (`--epochs` is ignored; `--limit`
 * restricts the images). Returns the (lr, loss) curve and the suggestion (lr at the minimum smoothed loss / 10,
 * see `findLearningRate`). The model's weights and the optimizer are restored afterwards.
 */
export const lrFinder: Experiment<LrFinderResult> = {
  name: 'lr-finder',
  description: 'exponential learning-rate sweep on the seed cell 5 model; suggested maximum learning rate',
  async run(ctx) {
    const p = resolveProfile(ctx.profile, LR_FINDER_PROFILES, {
      batchSize: ctx.batchSize,
      limit: ctx.limit,
    });
    const { batchSize, maxSteps, minLr, maxLr } = p.settings;
    ctx.log(describeProfile(p));
    const data = await experimentData(ctx, limitOf(p.settings.limit));
    const { train } = validationSplit(data.train, {
      validationSize: Math.min(5000, Math.floor(data.train.count / 12)),
      position: 'first',
    });
    const steps = Math.min(maxSteps, Math.max(20, Math.ceil(train.count / batchSize)));
    const model = buildCell5Model(ctx.seed);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.01 }),
    });
    try {
      const r = await findLearningRate(trainer, imageSource(train), labelSource(train), {
        minLr,
        maxLr,
        steps,
        batchSize,
        seed: ctx.seed,
      });
      ctx.log(
        `minimum smoothed loss at lr ${r.minLossLr.toPrecision(3)}; suggested max lr ${r.suggestedMaxLr.toPrecision(3)}`,
      );
      return {
        profile: p.profile,
        notebookDifferences: p.notebookDifferences,
        settings: p.settings,
        experiment: 'lr-finder',
        backend: ctx.backend,
        steps,
        batchSize,
        lrs: r.lrs,
        losses: r.losses,
        minLossLr: r.minLossLr,
        suggestedMaxLr: r.suggestedMaxLr,
      };
    } finally {
      trainer.dispose();
      model.dispose();
    }
  },
};
