import {
  checkNumber,
  checkOptions,
  type GradientTransformation,
  optionKeys,
  SteadygradError,
} from '@steadygrad/core';
import type { Sequential } from '@steadygrad/nn';
import { sgd } from '@steadygrad/optim';
import {
  type Callback,
  compile,
  type DataLike,
  type History,
  type LossLike,
  type MetricLike,
  type Trainer,
  type Verbose,
} from '@steadygrad/train';
import { discriminativeOptimizer } from './discriminative-optimizer.js';
import { freeze, unfreeze } from './freeze.js';
import { checkInputShape } from './input-shapes.js';
import {
  TRANSFER_MODEL_KEYS,
  type TransferModel,
  type TransferModelOptions,
  transferModel,
} from './transfer-model.js';

/** Options of {@link fineTune} (the seed's recipe, cells 15–18). */
export interface FineTuneOptions extends TransferModelOptions {
  /** Target-task training inputs and labels. */
  readonly x: DataLike;
  readonly y: DataLike;
  readonly validationData?: readonly [DataLike, DataLike];
  /** Epochs with the reused layers frozen, training the head only (default `4`, seed cell 17). */
  readonly frozenEpochs?: number;
  /** Epochs after unfreezing (default `16`, seed cell 18). */
  readonly unfrozenEpochs?: number;
  /**
   * How many reused layers to unfreeze for the second phase, counted from the top of the base (default
   * `'all'`, as the seed). More than the base has is an `INVALID_ARGUMENT` error.
   */
  readonly unfreezeTop?: number | 'all';
  /** Builds the optimizer of a phase from its learning rate (default `(lr) => sgd({ learningRate: lr })`). */
  readonly optimizer?: (learningRate: number) => GradientTransformation<unknown>;
  /** Learning rate of the frozen phase (default `1e-3`, Géron's `SGD(learning_rate=1e-3)`). */
  readonly learningRate?: number;
  /** Learning rate of the unfrozen phase, for the reused layers (default `1e-4`, seed cell 18). */
  readonly lowerLearningRate?: number;
  /**
   * Learning rate of the head in the unfrozen phase (default: `lowerLearningRate`, one rate for all as in the
   * seed). When it differs, the phase uses `discriminativeOptimizer`.
   */
  readonly headLearningRate?: number;
  /** Default `'binary_crossentropy'` (the seed's task B). */
  readonly loss?: LossLike;
  /** Default `['accuracy']`. */
  readonly metrics?: readonly MetricLike[];
  /** Default `32`. */
  readonly batchSize?: number;
  /** Seed of the head's initialization and of both phases' shuffling (default `0`). */
  readonly seed?: number;
  /** Default `0` (silent). */
  readonly verbose?: Verbose;
  readonly callbacks?: readonly Callback<Trainer>[];
}

const KEYS = optionKeys<FineTuneOptions>()([
  'x',
  'y',
  'validationData',
  'frozenEpochs',
  'unfrozenEpochs',
  'unfreezeTop',
  'optimizer',
  'learningRate',
  'lowerLearningRate',
  'headLearningRate',
  'loss',
  'metrics',
  'batchSize',
  'seed',
  'verbose',
  'callbacks',
  ...TRANSFER_MODEL_KEYS,
]);

/** What {@link fineTune} returns: the transfer model and both phases' histories. */
export interface FineTuneResult extends TransferModel {
  readonly history: { readonly frozen: History | undefined; readonly unfrozen: History | undefined };
}

/**
 * The seed's transfer recipe in one call (cells 13–18):
 * 1. build "model B on A" with {@link transferModel} (the source without its top `drop` layers — cloned
 *    unless `share` — plus `head`), after checking that the target data's sample shape equals the source's
 *    input shape (`SHAPE_MISMATCH` naming both) and that the head fits the base's output;
 * 2. freeze the reused layers and train for `frozenEpochs` at `learningRate` (the new head learns without
 *    wrecking the reused features with large random-head gradients);
 * 3. unfreeze the top `unfreezeTop` reused layers and train for `unfrozenEpochs` at `lowerLearningRate`
 *    (epochs numbered on from phase 2, i.e. `initialEpoch = frozenEpochs`, so each epoch's shuffle is
 *    distinct). Layers below the top `unfreezeTop` stay frozen afterwards.
 *
 * No recompile is needed between the phases (the trainable set is read at every step); a fresh optimizer
 * is built for phase 3 anyway, as the seed does (a new `SGD(learning_rate=1e-4)`). Note that the seed's cell
 * 18 creates that optimizer but then passes `optimizer="sgd"` (learning rate 0.01) to `compile`: the
 * intended recipe, implemented here, uses the lower rate.
 *
 * The trainers are disposed before returning; the caller owns `model` and frees it with `result.dispose()`
 * (which leaves a shared base to the source model). No tensor is left behind otherwise.
 */
export async function fineTune(source: Sequential, options: FineTuneOptions): Promise<FineTuneResult> {
  checkOptions('fineTune', options, KEYS);
  const {
    x,
    y,
    validationData,
    frozenEpochs = 4,
    unfrozenEpochs = 16,
    unfreezeTop = 'all',
    optimizer = (learningRate: number) => sgd({ learningRate }),
    learningRate = 1e-3,
    lowerLearningRate = 1e-4,
    headLearningRate,
    loss = 'binary_crossentropy',
    metrics = ['accuracy'],
    batchSize = 32,
    seed = 0,
    verbose = 0,
    callbacks = [],
  } = options;
  checkNumber('frozenEpochs', frozenEpochs, { integer: true, min: 0 });
  checkNumber('unfrozenEpochs', unfrozenEpochs, { integer: true, min: 0 });
  checkNumber('learningRate', learningRate, { min: 0 });
  checkNumber('lowerLearningRate', lowerLearningRate, { min: 0 });
  if (headLearningRate !== undefined) checkNumber('headLearningRate', headLearningRate, { min: 0 });
  const baseCount = source.layers.length - (options.drop ?? 1);
  if (unfreezeTop !== 'all') {
    checkNumber('unfreezeTop', unfreezeTop, { integer: true, min: 0 });
    if (unfreezeTop > baseCount) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `unfreezeTop is ${unfreezeTop}, but the reused base of model '${source.name}' has only ${baseCount} layers; expected at most ${baseCount} (or 'all')`,
        { details: { unfreezeTop, layers: baseCount } },
      );
    }
  }
  const sourceLabel = `source model '${source.name}'`;
  checkInputShape(source.inputShape, x, { source: sourceLabel, target: 'the target training data x' });
  if (validationData !== undefined) {
    checkInputShape(source.inputShape, validationData[0], {
      source: sourceLabel,
      target: 'the target validation data',
    });
  }

  // transferModel checks its own options: hand it only its keys (fineTune's options are a superset).
  const transferOptions = Object.fromEntries(
    Object.entries(options).filter(([k]) => (TRANSFER_MODEL_KEYS as readonly string[]).includes(k)),
  ) as unknown as TransferModelOptions;
  const built = transferModel(source, transferOptions);
  const { model, base } = built;
  const fitCommon = { batchSize, seed, verbose, callbacks, validationData };
  let frozen: History | undefined;
  let unfrozen: History | undefined;
  try {
    if (frozenEpochs > 0) {
      freeze(base);
      const trainer = compile(model, { loss, optimizer: optimizer(learningRate), metrics });
      try {
        frozen = await trainer.fit(x, y, { ...fitCommon, epochs: frozenEpochs });
      } finally {
        trainer.dispose();
      }
    }
    if (unfrozenEpochs > 0) {
      const k = unfreezeTop === 'all' ? base.length : unfreezeTop;
      freeze(base);
      if (k > 0) unfreeze(base, { from: base.length - k });
      const tx =
        headLearningRate === undefined || headLearningRate === lowerLearningRate
          ? optimizer(lowerLearningRate)
          : discriminativeOptimizer(
              { base: optimizer(lowerLearningRate), head: optimizer(headLearningRate) },
              model,
              { from: base.length },
            );
      const trainer = compile(model, { loss, optimizer: tx, metrics });
      try {
        unfrozen = await trainer.fit(x, y, {
          ...fitCommon,
          epochs: frozenEpochs + unfrozenEpochs,
          initialEpoch: frozenEpochs,
        });
      } finally {
        trainer.dispose();
      }
    }
  } catch (e) {
    built.dispose();
    throw e;
  }
  return { ...built, history: { frozen, unfrozen } };
}
