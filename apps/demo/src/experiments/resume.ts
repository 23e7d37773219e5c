import { type BatchSource, RandomStream } from '@steadygrad/core';
import { imageSource, labelSource, validationSplit } from '@steadygrad/datasets';
import type { Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import {
  type Callback,
  compile,
  type FitOptions,
  learningRateScheduler,
  reduceLROnPlateau,
} from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment } from '../experiment.js';
import { describeProfile, type ProfileFields, resolveProfile } from '../profile.js';
import { buildCell5Model } from './lr-finder.js';

/** The settings of the `resume` experiment (values in {@link RESUME_PROFILES}). */
export type ResumeSettings = {
  readonly epochs: number;
  readonly batchSize: number;
  /** The first N training images (1/12 of them for validation). */
  readonly limit: number;
  /** Steps between checkpoints. */
  readonly checkpointEvery: number;
};

/**
 * The seed only warns not to interrupt a run whose schedule depends on the epoch (after cell 26): the notebook
 * profile is the project's demonstration, 2 epochs of batch 32 on the first 6,000 training images,
 * checkpoints every 37 steps; it takes seconds, so the quick profile is the same.
 */
export const RESUME_PROFILES: {
  readonly notebook: ResumeSettings;
  readonly quick: Partial<ResumeSettings>;
} = { notebook: { epochs: 2, batchSize: 32, limit: 6000, checkpointEvery: 37 }, quick: {} };

export interface ResumeResult extends ProfileFields {
  readonly settings: ResumeSettings;
  readonly experiment: 'resume';
  readonly backend: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly totalSteps: number;
  /** The global step after which the interrupted run was abandoned. */
  readonly interruptedAfterStep: number;
  /** The step the resumed run continued from (the last checkpoint before the interruption). */
  readonly resumedFromStep: number;
  readonly checkpointEvery: number;
  readonly identical: boolean;
  readonly maxAbsDiff: number;
}

class Interrupt extends Error {}

/**
 * Checkpoint-and-resume, in one process: trains the seed cell 5 model (batch normalization: non-trainable
 * statistics; SGD with momentum 0.9; a per-epoch learning-rate schedule and ReduceLROnPlateau) three times
 * from the same seed — (1) uninterrupted; (2) with checkpoints every 37 steps, abandoned at a random step
 * mid-epoch (the run throws, its model, optimizer and callbacks are dropped); (3) a fresh model, optimizer
 * and callbacks resumed from the latest checkpoint of (2) — and compares the final weights of (1) and (3)
 * bit for bit. Defaults: 2 epochs on the first 6,000 training images (`--limit`, `--epochs` override).
 * Node only (checkpoints are files; a temporary directory is created and removed).
 */
export const resume: Experiment<ResumeResult> = {
  name: 'resume',
  description:
    'interrupts a training run at a random step, resumes it from its checkpoint, compares with an uninterrupted run',
  async run(ctx) {
    const p = resolveProfile(ctx.profile, RESUME_PROFILES, {
      epochs: ctx.epochs,
      batchSize: ctx.batchSize,
      limit: ctx.limit,
    });
    const { epochs, batchSize, checkpointEvery: every } = p.settings;
    ctx.log(describeProfile(p));
    // Node modules are loaded lazily so that importing the experiment list stays browser-safe.
    const [{ mkdtemp, rm }, { tmpdir }, { join }] = await Promise.all([
      import('node:fs/promises'),
      import('node:os'),
      import('node:path'),
    ]);
    const data = await experimentData(ctx, p.settings.limit);
    const base = data.train;
    const { train, valid } = validationSplit(base, {
      validationSize: Math.max(1, Math.floor(base.count / 12)),
      position: 'first',
    });
    const x = imageSource(train);
    const y = labelSource(train);
    const validationData: [BatchSource, BatchSource] = [imageSource(valid), labelSource(valid)];
    const steps = Math.ceil(train.count / batchSize);
    const total = steps * epochs;
    const pick = new RandomStream(ctx.seed + 1000);
    let stopAt = Math.floor(total * 0.3) + pick.int(Math.max(1, Math.floor(total * 0.6)));
    if (stopAt % steps === steps - 1) stopAt -= 1; // stay in the middle of an epoch
    const dir = await mkdtemp(join(tmpdir(), 'steadygrad-resume-'));

    const run = async (
      extra: Partial<FitOptions>,
      interruptAt?: number,
    ): Promise<Float32Array[] | undefined> => {
      const model: Sequential = buildCell5Model(ctx.seed);
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate: 0.01, momentum: 0.9 }),
        metrics: ['accuracy'],
      });
      let epoch = 0;
      const interrupt: Callback = {
        onEpochBegin: (e) => {
          epoch = e;
        },
        onBatchEnd: (b) => {
          if (interruptAt !== undefined && epoch * steps + b === interruptAt)
            throw new Interrupt('interrupted');
        },
      };
      try {
        await trainer.fit(x, y, {
          epochs,
          batchSize,
          seed: ctx.seed,
          validationData,
          verbose: ctx.verbose,
          callbacks: [
            learningRateScheduler((e) => 0.01 * 0.5 ** e),
            reduceLROnPlateau({ factor: 0.5, patience: 1 }),
            interrupt as Callback<never>,
          ],
          ...extra,
        });
        return model.parameters
          .map((p) => p.variable.dataSync() as Float32Array)
          .map((a) => new Float32Array(a));
      } catch (e) {
        if (e instanceof Interrupt) return undefined;
        throw e;
      } finally {
        trainer.dispose();
        model.dispose();
      }
    };

    try {
      const reference = await run({});
      await run({ checkpoint: { dir, every } }, stopAt);
      const resumedFromStep = Math.max(
        Math.floor((stopAt + 1) / every) * every,
        Math.floor((stopAt + 1) / steps) * steps,
      );
      ctx.log(
        `interrupted after step ${stopAt} of ${total}; resuming from the checkpoint at step ${resumedFromStep}`,
      );
      const resumed = await run({ checkpoint: { dir, every }, resumeFrom: dir });
      let maxAbsDiff = 0;
      let identical = reference!.length === resumed!.length;
      reference!.forEach((w, i) => {
        const r = resumed![i]!;
        for (let j = 0; j < w.length; j++) {
          const d = Math.abs(w[j]! - r[j]!);
          if (d > maxAbsDiff) maxAbsDiff = d;
          if (!Object.is(w[j], r[j])) identical = false;
        }
      });
      ctx.log(`final weights ${identical ? 'bit-identical' : 'DIFFER'} (max |Δ| = ${maxAbsDiff})`);
      return {
        profile: p.profile,
        notebookDifferences: p.notebookDifferences,
        settings: p.settings,
        experiment: 'resume',
        backend: ctx.backend,
        epochs,
        batchSize,
        trainSize: train.count,
        totalSteps: total,
        interruptedAfterStep: stopAt,
        resumedFromStep,
        checkpointEvery: every,
        identical,
        maxAbsDiff,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
