import type { BatchSource, GradientTransformation } from '@steadygrad/core';
import { imageSource, labelSource, validationSplit } from '@steadygrad/datasets';
import { sgd } from '@steadygrad/optim';
import { geronOneCycle, inverseTimeDecay, piecewiseConstant } from '@steadygrad/schedules';
import {
  type Callback,
  compile,
  learningRateScheduler,
  reduceLROnPlateau,
  type Trainer,
} from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment, ExperimentContext } from '../experiment.js';
import {
  describeProfile,
  limitOf,
  type ProfileFields,
  qualifyPublished,
  resolveProfile,
  seedList,
} from '../profile.js';
import { compareVariants, seedStats as meanStd, type SeedStats, type Significance } from '../stats.js';
import { buildOptimizerModel } from './optimizers.js';

/** One schedule of the comparison. */
export interface ScheduleSpec {
  readonly schedule: string;
  /** How it is expressed here (and the Keras / seed-cell original). */
  readonly how: string;
  /** Géron's published final validation accuracy and its epoch count (`../shared/anchors.md`), if any. */
  readonly published: { readonly epochs: number; readonly valAccuracy: number } | null;
  make(
    stepsPerEpoch: number,
    epochs: number,
  ): { optimizer: GradientTransformation<unknown>; callbacks: Callback<Trainer>[] };
}

/**
 * The chapter's schedules on Géron's 3×100 ReLU/He MLP with SGD (lr0 = 0.01, no momentum):
 * - constant: `SGD(learning_rate=0.01)`;
 * - power (per step): `lr0 / (1 + t/10 000)` — Keras 3 `InverseTimeDecay(0.01, 10_000, 1.0)`, what seed cell
 *   21's `SGD(decay=1e-4)` meant;
 * - exponential (per epoch): seed cell 22, `learningRateScheduler(epoch => 0.01 · 0.1^(epoch/20))`;
 * - piecewise (per epoch): seed cell 27 (0.01 for epochs 0–4, 0.005 for 5–14, 0.001 after) as
 *   `piecewiseConstant({ boundaries: [4, 14], ... })` (Keras keeps the left value at a boundary);
 * - performance: seed cell 29, `reduceLROnPlateau({ factor: 0.5, patience: 5 })` on `val_loss`;
 * - 1cycle (per step): Géron's `OneCycleScheduler(iterations, max_rate=0.1)` = `geronOneCycle`.
 */
export const SCHEDULE_SPECS: readonly ScheduleSpec[] = [
  {
    schedule: 'constant',
    how: 'sgd({ learningRate: 0.01 })',
    published: null,
    make: () => ({ optimizer: sgd({ learningRate: 0.01 }), callbacks: [] }),
  },
  {
    schedule: 'power',
    how: 'sgd({ learningRate: inverseTimeDecay({ initialLearningRate: 0.01, decaySteps: 10000, decayRate: 1 }) }) — seed cell 21',
    published: { epochs: 10, valAccuracy: 0.8714 },
    make: () => ({
      optimizer: sgd({
        learningRate: inverseTimeDecay({ initialLearningRate: 0.01, decaySteps: 10_000, decayRate: 1 }),
      }),
      callbacks: [],
    }),
  },
  {
    schedule: 'exponential',
    how: 'learningRateScheduler((epoch) => 0.01 * 0.1 ** (epoch / 20)) — seed cells 22–25',
    published: { epochs: 25, valAccuracy: 0.8812 },
    make: () => ({
      optimizer: sgd({ learningRate: 0.01 }),
      callbacks: [learningRateScheduler((epoch) => 0.01 * 0.1 ** (epoch / 20))],
    }),
  },
  {
    schedule: 'piecewise',
    how: 'learningRateScheduler(piecewiseConstant({ boundaries: [4, 14], values: [0.01, 0.005, 0.001] })) — seed cells 27–28',
    published: { epochs: 10, valAccuracy: 0.8716 },
    make: () => ({
      optimizer: sgd({ learningRate: 0.01 }),
      callbacks: [
        learningRateScheduler(piecewiseConstant({ boundaries: [4, 14], values: [0.01, 0.005, 0.001] })),
      ],
    }),
  },
  {
    schedule: 'performance',
    how: 'reduceLROnPlateau({ factor: 0.5, patience: 5 }) — seed cell 29',
    published: { epochs: 25, valAccuracy: 0.8868 },
    make: () => ({
      optimizer: sgd({ learningRate: 0.01 }),
      callbacks: [reduceLROnPlateau({ factor: 0.5, patience: 5 }) as Callback<Trainer>],
    }),
  },
  {
    schedule: '1cycle',
    how: "sgd({ learningRate: geronOneCycle({ iterations: steps · epochs, maxLearningRate: 0.1 }) }) — Géron's OneCycleScheduler",
    published: { epochs: 25, valAccuracy: 0.892 },
    make: (steps, epochs) => ({
      optimizer: sgd({ learningRate: geronOneCycle({ iterations: steps * epochs, maxLearningRate: 0.1 }) }),
      callbacks: [],
    }),
  },
];

export interface ScheduleResult {
  readonly schedule: string;
  readonly how: string;
  readonly epochs: number;
  /** Final validation accuracy over the seeds: mean, sample std (0 for one seed) and the values. */
  readonly valAccuracy: SeedStats;
  readonly seeds: readonly { readonly seed: number; readonly valAccuracy: number }[];
  /** The learning rate of the first step of every epoch (first seed). */
  readonly lrCurve: number[];
  readonly published: ScheduleSpec['published'];
}

/**
 * The settings of the `schedules` experiment (values in {@link SCHEDULES_PROFILES}): the epochs of each
 * schedule (`epochs<schedule>`; `--epochs N` sets them all), batch size, data limit and seeds.
 */
export type SchedulesSettings = {
  readonly epochsConstant: number;
  readonly epochsPower: number;
  readonly epochsExponential: number;
  readonly epochsPiecewise: number;
  readonly epochsPerformance: number;
  readonly epochs1cycle: number;
  readonly batchSize: number;
  /** First N training images (`'none'`: all 60,000, the first 5,000 of them for validation). */
  readonly limit: number | 'none';
  readonly seeds: number;
};

/**
 * The notebook profile: each schedule for the epochs of Géron's run behind its published figure (power and
 * piecewise 10, exponential, performance and 1cycle 25; constant 25, to compare with the 25-epoch ones),
 * 3 seeds. Quick: every schedule 10 epochs, one seed.
 */
export const SCHEDULES_PROFILES: {
  readonly notebook: SchedulesSettings;
  readonly quick: Partial<SchedulesSettings>;
} = {
  notebook: {
    epochsConstant: 25,
    epochsPower: 10,
    epochsExponential: 25,
    epochsPiecewise: 10,
    epochsPerformance: 25,
    epochs1cycle: 25,
    batchSize: 32,
    limit: 'none',
    seeds: 3,
  },
  quick: {
    epochsConstant: 10,
    epochsExponential: 10,
    epochsPerformance: 10,
    epochs1cycle: 10,
    seeds: 1,
  },
};

function epochsKey(schedule: string): keyof SchedulesSettings {
  return `epochs${schedule[0]?.toUpperCase()}${schedule.slice(1)}` as keyof SchedulesSettings;
}

export interface SchedulesResult extends ProfileFields {
  readonly experiment: 'schedules';
  readonly backend: string;
  /** The epochs of the first schedule (each result has its own `epochs`). */
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly validationSize: number;
  readonly seeds: readonly number[];
  readonly settings: SchedulesSettings;
  readonly results: readonly ScheduleResult[];
  /**
   * Each schedule against `constant` trained for the same number of epochs (Welch t-test of the final
   * validation accuracies over the seeds).
   */
  readonly comparisons: readonly Significance[];
}

/** Records the learning rate the first step of each epoch will use (after the LR callbacks ran). */
function lrRecorder(curve: number[]): Callback<Trainer> {
  let trainer: Trainer | undefined;
  return {
    setTrainer: (t) => {
      trainer = t;
    },
    onEpochBegin: () => {
      curve.push(trainer?.optimizer.learningRate ?? Number.NaN);
    },
  };
}

/**
 * Runs the comparison for the given schedules (the experiment runs all of {@link SCHEDULE_SPECS}) with the
 * settings of the context's profile: the same data, split, model and seeds for each.
 */
export async function compareSchedules(
  ctx: ExperimentContext,
  specs: readonly ScheduleSpec[],
): Promise<SchedulesResult> {
  const p = resolveProfile(ctx.profile, SCHEDULES_PROFILES, {
    epochsConstant: ctx.epochs,
    epochsPower: ctx.epochs,
    epochsExponential: ctx.epochs,
    epochsPiecewise: ctx.epochs,
    epochsPerformance: ctx.epochs,
    epochs1cycle: ctx.epochs,
    batchSize: ctx.batchSize,
    seeds: ctx.seeds,
    limit: ctx.limit,
  });
  const { batchSize } = p.settings;
  const seeds = seedList(ctx.seed, p.settings.seeds);
  const epochsOf = (schedule: string): number => {
    const key = epochsKey(schedule);
    return key in p.settings ? (p.settings[key] as number) : (ctx.epochs ?? 10);
  };
  ctx.log(describeProfile(p));
  const data = await experimentData(ctx, limitOf(p.settings.limit));
  const { train, valid } = validationSplit(data.train, {
    validationSize: Math.min(5000, Math.floor(data.train.count / 12)),
    position: 'first',
  });
  const xTrain = imageSource(train);
  const yTrain = labelSource(train);
  const validationData: [BatchSource, BatchSource] = [imageSource(valid), labelSource(valid)];
  const steps = Math.ceil(train.count / batchSize);
  ctx.log(
    `${train.count} training / ${valid.count} validation images, batch ${batchSize}, seeds ${seeds.join(', ')}`,
  );
  const results: ScheduleResult[] = [];
  for (const spec of specs) {
    const runs: { seed: number; valAccuracy: number }[] = [];
    let lrCurve: number[] = [];
    const epochs = epochsOf(spec.schedule);
    for (const [k, seed] of seeds.entries()) {
      ctx.onEvent?.({ type: 'phase', label: `${spec.schedule}, seed ${seed}` });
      const model = buildOptimizerModel(seed);
      const { optimizer, callbacks } = spec.make(steps, epochs);
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer,
        metrics: ['accuracy'],
      });
      const curve: number[] = [];
      try {
        const history = await trainer.fit(xTrain, yTrain, {
          epochs,
          batchSize,
          seed,
          validationData,
          verbose: ctx.verbose,
          callbacks: [...(ctx.callbacks ?? []), ...callbacks, lrRecorder(curve)],
        });
        const valAccuracy = history.history.val_accuracy?.at(-1) ?? Number.NaN;
        runs.push({ seed, valAccuracy });
        if (k === 0) lrCurve = curve;
        ctx.log(`${spec.schedule} seed ${seed}: val accuracy ${valAccuracy.toFixed(4)}`);
      } finally {
        trainer.dispose();
        model.dispose();
      }
    }
    const valAccuracy = meanStd(runs.map((r) => r.valAccuracy));
    const pub =
      spec.published === null
        ? ''
        : ` (Géron, one seed: ${spec.published.valAccuracy} after ${spec.published.epochs} epochs; this run: ` +
          `${epochs} epochs, ${qualifyPublished(p)})`;
    ctx.log(
      `${spec.schedule.padEnd(12)} ${valAccuracy.mean.toFixed(4)} ± ${valAccuracy.std.toFixed(4)} after ${epochs} epochs${pub}`,
    );
    results.push({
      schedule: spec.schedule,
      how: spec.how,
      epochs,
      valAccuracy,
      seeds: runs,
      lrCurve,
      published: spec.published,
    });
  }
  const constant = results.find((r) => r.schedule === 'constant');
  const comparisons =
    constant === undefined
      ? []
      : results
          .filter((r) => r !== constant && r.epochs === constant.epochs)
          .map((r) =>
            compareVariants(
              `final validation accuracy after ${r.epochs} epochs`,
              { label: 'constant', values: constant.valAccuracy.values },
              { label: r.schedule, values: r.valAccuracy.values },
            ),
          );
  for (const c of comparisons) ctx.log(c.statement);
  return {
    profile: p.profile,
    notebookDifferences: p.notebookDifferences,
    experiment: 'schedules',
    backend: ctx.backend,
    epochs: results[0]?.epochs ?? 0,
    batchSize,
    trainSize: train.count,
    validationSize: valid.count,
    seeds,
    settings: p.settings,
    results,
    comparisons,
  };
}

/**
 * The chapter's learning-rate schedule comparison (seed cells 21–29 and the 1cycle section) on Fashion-MNIST:
 * Géron's 3×100 ReLU/He MLP, SGD, the first 5,000 training images as validation set. Profiles in
 * {@link SCHEDULES_PROFILES} (notebook: each schedule for the epochs of Géron's published figure, 3 seeds;
 * quick: 10 epochs each, one seed); a 10-epoch quick run of the 6 schedules took 10 minutes on the wasm
 * backend of a shared 2-core machine (seed 42: constant 0.8806, power 0.8782, exponential 0.8794, piecewise
 * 0.8804, performance 0.8806, 1cycle 0.8936). Reports the final validation accuracy (mean ± std over the
 * seeds, each schedule against constant by Welch t-test where their epochs match) and the learning rate at
 * the start of every epoch.
 *
 * Notebook-profile runtime on that machine: 120 epochs per seed (25 + 10 + 25 + 10 + 25 + 25) at ≈ 10 s
 * ≈ 20 minutes per seed, ≈ 60 minutes for the 3 seeds.
 */
export const schedules: Experiment<SchedulesResult> = {
  name: 'schedules',
  description:
    'learning-rate schedules: constant, power, exponential, piecewise, performance (ReduceLROnPlateau), 1cycle',
  run: (ctx) => compareSchedules(ctx, SCHEDULE_SPECS),
};
