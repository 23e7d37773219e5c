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
import { seedStats as meanStd } from '../stats.js';
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
  /** Final validation accuracy over the seeds: mean and sample std (0 for one seed). */
  readonly valAccuracy: { readonly mean: number; readonly std: number };
  readonly seeds: readonly { readonly seed: number; readonly valAccuracy: number }[];
  /** The learning rate of the first step of every epoch (first seed). */
  readonly lrCurve: number[];
  readonly published: ScheduleSpec['published'];
}

export interface SchedulesResult {
  readonly experiment: 'schedules';
  readonly backend: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly validationSize: number;
  readonly results: readonly ScheduleResult[];
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

export async function compareSchedules(
  ctx: ExperimentContext,
  specs: readonly ScheduleSpec[],
): Promise<SchedulesResult> {
  const {
    epochs = 10,
    batchSize = 32,
    seeds = 1,
  } = { epochs: ctx.epochs, batchSize: ctx.batchSize, seeds: ctx.seeds };
  const data = await experimentData(ctx);
  const { train, valid } = validationSplit(data.train, {
    validationSize: Math.min(5000, Math.floor(data.train.count / 12)),
    position: 'first',
  });
  const xTrain = imageSource(train);
  const yTrain = labelSource(train);
  const validationData: [BatchSource, BatchSource] = [imageSource(valid), labelSource(valid)];
  const steps = Math.ceil(train.count / batchSize);
  ctx.log(
    `${train.count} training / ${valid.count} validation images, ${epochs} epochs, batch ${batchSize}, ${seeds} seed(s)`,
  );
  const results: ScheduleResult[] = [];
  for (const spec of specs) {
    const runs: { seed: number; valAccuracy: number }[] = [];
    let lrCurve: number[] = [];
    for (let k = 0; k < seeds; k++) {
      const seed = ctx.seed + k;
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
          callbacks: [...callbacks, lrRecorder(curve)],
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
        : ` (published ${spec.published.valAccuracy} after ${spec.published.epochs} epochs)`;
    ctx.log(
      `${spec.schedule.padEnd(12)} ${valAccuracy.mean.toFixed(4)} ± ${valAccuracy.std.toFixed(4)}${pub}`,
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
  return {
    experiment: 'schedules',
    backend: ctx.backend,
    epochs,
    batchSize,
    trainSize: train.count,
    validationSize: valid.count,
    results,
  };
}

/**
 * The chapter's learning-rate schedule comparison (seed cells 21–29 and the 1cycle section) on Fashion-MNIST:
 * Géron's 3×100 ReLU/He MLP, SGD, the first 5,000 training images as validation set. Defaults: 10 epochs
 * (the notebook's count for power and piecewise; it ran exponential, performance and 1cycle for 25 — pass
 * `--epochs 25` to compare with those anchors), 1 seed (`--seeds N` for mean ± std); 6 × 10 epochs of the
 * 55,000 images took 10 minutes on the wasm backend of a shared 2-core machine (seed 42: constant 0.8806,
 * power 0.8782, exponential 0.8794, piecewise 0.8804, performance 0.8806, 1cycle 0.8936). Reports the final
 * validation accuracy and the learning rate at the start of every epoch.
 */
export const schedules: Experiment<SchedulesResult> = {
  name: 'schedules',
  description:
    'learning-rate schedules: constant, power, exponential, piecewise, performance (ReduceLROnPlateau), 1cycle',
  run: (ctx) => compareSchedules(ctx, SCHEDULE_SPECS),
};
