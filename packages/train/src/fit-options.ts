import { checkNumber, checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import type { ProgressStream } from '#progress-bar';
import type { DataLike } from './batching.js';
import type { Callback } from './callbacks.js';
import { CHECKPOINT_KEYS, type CheckpointOptions } from './checkpoint.js';
import { checkNonFiniteMode, type NonFiniteMode } from './non-finite-guard.js';
import { resolveVerbose } from './resolve-verbose.js';
import type { Trainer } from './trainer.js';

/** What `fit` prints: `0` nothing, `1` a progress bar, `2` one line per epoch, `'auto'` as Keras chooses. */
export type Verbose = 0 | 1 | 2 | 'auto';

/**
 * Options of `Trainer.fit`, with Keras's defaults (camelCase) plus a seed, checkpoints and the non-finite
 * guard.
 */
export interface FitOptions {
  /** Index of the last epoch + 1 (Keras: training runs epochs `initialEpoch .. epochs − 1`). Default 1. */
  readonly epochs?: number;
  /** Samples per step; a batch larger than the data gives one smaller batch. Default 32. */
  readonly batchSize?: number;
  /**
   * Visit the training samples in a new seeded random order every epoch (what Keras documents; Keras 3 itself,
   * once a global seed is set, repeats one order every epoch — docs/keras-parity.md). Default `true`.
   */
  readonly shuffle?: boolean;
  /** Seed of the shuffling and of the layers' randomness (dropout). Default 0. */
  readonly seed?: number;
  /** `[x, y]` evaluated after every epoch; its logs get the `val_` prefix. */
  readonly validationData?: readonly [DataLike, DataLike];
  /** Fraction in (0, 1) of the samples, taken from the END before shuffling (Keras), used for validation. */
  readonly validationSplit?: number;
  /** Batch size of the validation pass. Default `batchSize`. */
  readonly validationBatchSize?: number;
  readonly callbacks?: readonly Callback<Trainer>[];
  /**
   * `0` silent, `1` progress bar, `2` one line per epoch, `'auto'` (default, as Keras): `1` when the output
   * (`progressStream`, else stdout) is a terminal, `2` when it is a file or a pipe (CI logs, `| tee`), `0`
   * where there is no stdout (a browser without a `progressStream`).
   */
  readonly verbose?: Verbose;
  /** Epoch to start at (resuming). Default 0. */
  readonly initialEpoch?: number;
  /** Output of the progress display (its `isTTY` decides `verbose: 'auto'`). Default `process.stdout`. */
  readonly progressStream?: ProgressStream;
  /** Write checkpoints to `checkpoint.dir` after every epoch and, with `every: k`, every k steps. */
  readonly checkpoint?: CheckpointOptions;
  /**
   * Continue the run saved in this checkpoint directory (its `latest` generation): weights, optimizer state,
   * callback states, history, epoch, step, random stream and position in the shuffled data. `initialEpoch`
   * is then taken from the checkpoint. The data, `seed`, `batchSize` and `shuffle` must be the run's.
   */
  readonly resumeFrom?: string;
  /**
   * What to do about a step whose loss or gradient is NaN or infinite: `'stop'`, `'skip'` or `'ignore'`
   * (default: no check, zero cost; see `NonFiniteMode`). Checked on the device, read only where `fit` reads
   * anyway (the epoch end, checkpoint writes).
   */
  readonly nonFinite?: NonFiniteMode;
}

const FIT_KEYS = optionKeys<FitOptions>()([
  'epochs',
  'batchSize',
  'shuffle',
  'seed',
  'validationData',
  'validationSplit',
  'validationBatchSize',
  'callbacks',
  'verbose',
  'initialEpoch',
  'progressStream',
  'checkpoint',
  'resumeFrom',
  'nonFinite',
]);

/** {@link FitOptions} checked, with the defaults filled in and `verbose` resolved. */
export interface FitSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly validationData: readonly [DataLike, DataLike] | undefined;
  readonly validationSplit: number | undefined;
  /** `validationBatchSize`, else `batchSize`. */
  readonly validationBatchSize: number;
  readonly callbacks: readonly Callback<Trainer>[];
  /** `verbose` resolved against the output (`resolveVerbose`). */
  readonly verbosity: 0 | 1 | 2;
  readonly initialEpoch: number;
  readonly progressStream: ProgressStream | undefined;
  readonly checkpoint: CheckpointOptions | undefined;
  readonly resumeFrom: string | undefined;
  readonly nonFinite: NonFiniteMode;
}

/** A batch size: an integer >= 1. */
export function checkBatchSize(name: string, value: unknown): number {
  return checkNumber(name, value, { min: 1, integer: true });
}

function checkCheckpointOptions(checkpoint: unknown, resumeFrom: unknown): void {
  if (checkpoint !== undefined) {
    if (typeof checkpoint === 'object' && checkpoint !== null && !Array.isArray(checkpoint)) {
      checkOptions('fit.checkpoint', checkpoint, CHECKPOINT_KEYS);
    }
    const c = checkpoint as Partial<CheckpointOptions> | null;
    if (typeof c !== 'object' || c === null || typeof c.dir !== 'string' || c.dir === '') {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        "checkpoint must be { dir: string, every?: 'epoch' | number of steps, keep?: number }",
      );
    }
    if (c.every !== undefined && c.every !== 'epoch')
      checkNumber('checkpoint.every', c.every, { min: 1, integer: true });
    if (c.keep !== undefined) checkNumber('checkpoint.keep', c.keep, { min: 1, integer: true });
  }
  if (resumeFrom !== undefined && (typeof resumeFrom !== 'string' || resumeFrom === '')) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `resumeFrom must be a checkpoint directory (a string), got ${JSON.stringify(resumeFrom)}`,
    );
  }
}

/**
 * Checks `fit`'s options (unknown keys, types and ranges, exclusive pairs) before anything runs and fills in
 * the defaults. Throws `UNKNOWN_OPTION` / `INVALID_ARGUMENT`; changes nothing.
 */
export function resolveFitOptions(options: FitOptions): FitSettings {
  checkOptions('fit', options, FIT_KEYS);
  const {
    epochs = 1,
    batchSize = 32,
    shuffle = true,
    seed = 0,
    validationData,
    validationSplit,
    validationBatchSize,
    callbacks = [],
    verbose = 'auto',
    initialEpoch = 0,
    progressStream,
    checkpoint,
    resumeFrom,
    nonFinite = 'ignore',
  } = options;
  checkNonFiniteMode(nonFinite);
  checkCheckpointOptions(checkpoint, resumeFrom);
  checkNumber('epochs', epochs, { min: 1, integer: true });
  checkBatchSize('batchSize', batchSize);
  checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
  checkNumber('initialEpoch', initialEpoch, { min: 0, integer: true });
  if (initialEpoch >= epochs) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `initialEpoch (${initialEpoch}) must be less than epochs (${epochs}): epochs is the index of the last epoch + 1, as in Keras`,
    );
  }
  if (typeof shuffle !== 'boolean') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `shuffle must be a boolean, got ${JSON.stringify(shuffle)}`,
    );
  }
  const valBatchSize =
    validationBatchSize === undefined
      ? batchSize
      : checkBatchSize('validationBatchSize', validationBatchSize);
  const verbosity = resolveVerbose(verbose, progressStream);
  if (!Array.isArray(callbacks)) {
    throw new SteadygradError('INVALID_ARGUMENT', `callbacks must be an array, got ${typeof callbacks}`);
  }
  if (validationData !== undefined && validationSplit !== undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'give either validationData or validationSplit, not both (Keras silently ignores validationSplit then)',
    );
  }
  if (validationSplit !== undefined) checkNumber('validationSplit', validationSplit, { above: 0, below: 1 });
  if (validationData !== undefined && (!Array.isArray(validationData) || validationData.length !== 2)) {
    throw new SteadygradError('INVALID_ARGUMENT', 'validationData must be a pair [x, y]');
  }
  return {
    epochs,
    batchSize,
    shuffle,
    seed,
    validationData,
    validationSplit,
    validationBatchSize: valBatchSize,
    callbacks,
    verbosity,
    initialEpoch,
    progressStream,
    checkpoint,
    resumeFrom,
    nonFinite,
  };
}
