import { isSteadygradError } from '@steadygrad/core';
import { imageSource, labelSource } from '@steadygrad/datasets';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { type SgdOptions, sgd } from '@steadygrad/optim';
import { compile } from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment } from '../experiment.js';
import { describeProfile, limitOf, type ProfileFields, resolveProfile } from '../profile.js';

export type ClippingName = 'none' | 'clipNorm' | 'clipValue' | 'globalClipNorm';

export interface ClippingRunResult {
  readonly clipping: ClippingName;
  /** The Keras call this run translates. */
  readonly keras: string;
  /** Training MSE of the last epoch; `null` when training hit a non-finite loss or gradient. */
  readonly finalLoss: number | null;
  /** Non-finite loss/gradient (fit stopped with `DIVERGED`), or a final loss above `explodedAbove`. */
  readonly diverged: boolean;
  /** Where `fit` met the first non-finite step (epoch index, step index within it), when it did. */
  readonly divergedAt: { readonly epoch: number; readonly step: number } | null;
  /** Training loss per epoch (finite epochs only). */
  readonly loss: readonly number[];
  /** Test MSE after training (`null` for a diverged run). */
  readonly testLoss: number | null;
}

/** The settings of the `clipping` experiment (values in {@link CLIPPING_PROFILES}). */
export type ClippingSettings = {
  readonly epochs: number;
  readonly batchSize: number;
  /** First N training images (`'none'`: all 60,000). */
  readonly limit: number | 'none';
};

/**
 * Seed cells 9–10 show only the optimizer and the loss (`SGD(clipvalue=1.0)`, `loss="mse"`), no training:
 * the notebook profile is the project's demonstration, 2 epochs of batch 32 on all the training images. The
 * unclipped run diverges within a few steps either way, so the quick profile is the same.
 */
export const CLIPPING_PROFILES: {
  readonly notebook: ClippingSettings;
  readonly quick: Partial<ClippingSettings>;
} = { notebook: { epochs: 2, batchSize: 32, limit: 'none' }, quick: {} };

export interface ClippingResult extends ProfileFields {
  readonly settings: ClippingSettings;
  readonly experiment: 'clipping';
  readonly backend: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly learningRate: number;
  readonly threshold: number;
  readonly trainSize: number;
  /** Variance of the training targets: the MSE of always predicting their mean. */
  readonly targetVariance: number;
  /** A finite final loss above this (10 × `targetVariance`) also counts as diverged. */
  readonly explodedAbove: number;
  readonly results: readonly ClippingRunResult[];
}

/** Plain SGD with a learning rate too large for this network: it diverges within a few steps unclipped. */
export const CLIPPING_LEARNING_RATE = 0.03;
/** Every clipping threshold, as in the seed (`SGD(clipValue=1.0)`) and Géron's `SGD(clipNorm=1.0)`. */
export const CLIPPING_THRESHOLD = 1;
/** Hidden layers of the regression MLP. */
export const CLIPPING_DEPTH = 5;

const RUNS: readonly { clipping: ClippingName; keras: string; options: SgdOptions }[] = [
  { clipping: 'none', keras: 'SGD(learning_rate=0.03)', options: {} },
  {
    clipping: 'clipNorm',
    keras: 'SGD(learning_rate=0.03, clipNorm=1.0)',
    options: { clipNorm: CLIPPING_THRESHOLD },
  },
  {
    clipping: 'clipValue',
    keras: 'SGD(learning_rate=0.03, clipValue=1.0)',
    options: { clipValue: CLIPPING_THRESHOLD },
  },
  {
    clipping: 'globalClipNorm',
    keras: 'SGD(learning_rate=0.03, global_clipnorm=1.0)',
    options: { globalClipNorm: CLIPPING_THRESHOLD },
  },
];

/** Flatten → 5 × Dense(100, relu, he_normal) → Dense(1): regresses the class index with MSE. */
export function buildClippingModel(seed: number): Sequential {
  const model = new Sequential([], { seed });
  model.add(new Flatten({ inputShape: [28, 28] }));
  for (let i = 0; i < CLIPPING_DEPTH; i++) {
    model.add(new Dense({ units: 100, activation: 'relu', kernelInitializer: 'he_normal' }));
  }
  model.add(new Dense({ units: 1 }));
  return model;
}

/**
 * Seed cells 9–10: gradient clipping against exploding gradients, with the MSE loss of cell 10. A deep
 * ReLU/He MLP regresses the Fashion-MNIST class index (0–9, as a float) with MSE and plain SGD at learning
 * rate 0.03: without clipping the loss and gradients overflow to Inf/NaN within the first steps (fit stops
 * with `DIVERGED`); the same network, seed and data order train to a finite loss with Keras's `clipNorm`
 * (per tensor), `clipValue` (per coordinate) and `global_clipnorm` (all tensors together), threshold 1.0.
 * Deterministic for a seed and backend.
 */
export const clipping: Experiment<ClippingResult> = {
  name: 'clipping',
  description:
    'seed cells 9–10: a deep ReLU MLP regressing labels with MSE diverges at lr 0.03; clipNorm / clipValue / global clipNorm train it',
  async run(ctx) {
    const p = resolveProfile(ctx.profile, CLIPPING_PROFILES, {
      epochs: ctx.epochs,
      batchSize: ctx.batchSize,
      limit: ctx.limit,
    });
    const { epochs, batchSize } = p.settings;
    ctx.log(describeProfile(p));
    const data = await experimentData(ctx, limitOf(p.settings.limit));
    const x = imageSource(data.train);
    const y = labelSource(data.train, { dtype: 'float32', expandDims: true });
    const xTest = imageSource(data.test);
    const yTest = labelSource(data.test, { dtype: 'float32', expandDims: true });
    let sum = 0;
    let sumSq = 0;
    for (const label of data.train.labels) {
      sum += label;
      sumSq += label * label;
    }
    const n = data.train.count;
    const targetVariance = sumSq / n - (sum / n) ** 2;
    const explodedAbove = 10 * targetVariance;
    ctx.log(
      `${n} training images, targets = class index (variance ${targetVariance.toFixed(3)}), SGD lr ${CLIPPING_LEARNING_RATE}, ${epochs} epoch(s)`,
    );

    const results: ClippingRunResult[] = [];
    for (const run of RUNS) {
      const model = buildClippingModel(ctx.seed);
      const trainer = compile(model, {
        loss: 'mse',
        optimizer: sgd({ learningRate: CLIPPING_LEARNING_RATE, ...run.options }),
      });
      try {
        let loss: readonly number[] = [];
        let divergedAt: ClippingRunResult['divergedAt'] = null;
        try {
          const history = await trainer.fit(x, y, {
            epochs,
            batchSize,
            seed: ctx.seed,
            verbose: ctx.verbose,
            // fit's on-device guard: stop at the first non-finite step, naming it, with the last good weights.
            nonFinite: 'stop',
          });
          loss = history.history.loss ?? [];
        } catch (e) {
          if (!isSteadygradError(e, 'DIVERGED')) throw e;
          const { epoch, step } = e.details as { epoch: number; step: number };
          divergedAt = { epoch, step };
        }
        const last = loss.at(-1);
        const finite = divergedAt === null && last !== undefined && Number.isFinite(last);
        const diverged = !finite || (last as number) > explodedAbove;
        const testLoss = diverged
          ? null
          : ((await trainer.evaluate(xTest, yTest, { batchSize: 1000 })).loss ?? null);
        ctx.log(
          `${run.clipping.padEnd(14)} ${
            divergedAt !== null
              ? `diverged: non-finite at epoch ${divergedAt.epoch}, step ${divergedAt.step}`
              : `loss ${loss.map((v) => v.toFixed(4)).join(' → ')}${diverged ? ' (exploded)' : ''}`
          }${testLoss === null ? '' : `, test MSE ${testLoss.toFixed(4)}`}`,
        );
        results.push({
          clipping: run.clipping,
          keras: run.keras,
          finalLoss: finite ? (last as number) : null,
          diverged,
          divergedAt,
          loss: loss.filter((v) => Number.isFinite(v)),
          testLoss,
        });
      } finally {
        trainer.dispose?.();
        model.dispose();
      }
    }
    return {
      profile: p.profile,
      notebookDifferences: p.notebookDifferences,
      settings: p.settings,
      experiment: 'clipping',
      backend: ctx.backend,
      epochs,
      batchSize,
      seed: ctx.seed,
      learningRate: CLIPPING_LEARNING_RATE,
      threshold: CLIPPING_THRESHOLD,
      trainSize: n,
      targetVariance,
      explodedAbove,
      results,
    };
  },
};
