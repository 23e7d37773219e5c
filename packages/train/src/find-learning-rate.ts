import {
  type BatchSource,
  checkNumber,
  checkOptions,
  optionKeys,
  type Parameter,
  RandomStream,
  registerGradients,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { asSource, batchBounds, type DataLike, epochOrder } from './batching.js';
import { checkFiniteInput, checkTargets } from './check-data.js';
import type { CompileOptions } from './compile-options.js';
import { isLoss } from './losses.js';
import { acquireModel } from './model-lock.js';
import { compile, Trainer } from './trainer.js';
import type { OptimizerLike, TrainableModel } from './trainer-contract.js';

/**
 * Options of `findLearningRate`: the sweep's range and length, the batch size, the seed and the loss smoothing.
 */
export interface FindLearningRateOptions {
  /** First learning rate of the sweep. Default 1e-6. */
  readonly minLr?: number;
  /** Last learning rate of the sweep. Default 10. */
  readonly maxLr?: number;
  /** Number of steps (one batch each, cycling through shuffled data). Default 100. */
  readonly steps?: number;
  /** Samples per step. Default 32. */
  readonly batchSize?: number;
  /** Seed of the shuffling and of the layers' randomness. Default 0. */
  readonly seed?: number;
  /** Smoothing factor β of the loss's exponential moving average (bias-corrected). Default 0.98. */
  readonly beta?: number;
  /** With a model instead of a trainer: the loss and optimizer to compile it with. */
  readonly compile?: CompileOptions;
}

const KEYS = optionKeys<FindLearningRateOptions>()([
  'minLr',
  'maxLr',
  'steps',
  'batchSize',
  'seed',
  'beta',
  'compile',
]);

/**
 * What `findLearningRate` returns: the learning rate and loss (raw and smoothed) of every step, and the
 * suggested rate.
 */
export interface LearningRateSweep {
  /** The learning rate of each step: `minLr · (maxLr/minLr)^(i/(steps−1))`. */
  readonly lrs: number[];
  /** The batch loss of each step (after the update of that step's rate was computed from it). */
  readonly losses: number[];
  /** The bias-corrected exponential moving average of the losses. */
  readonly smoothedLosses: number[];
  /** The learning rate with the lowest smoothed loss. */
  readonly minLossLr: number;
  /** The suggestion: `minLossLr / 10` (see {@link findLearningRate}). */
  readonly suggestedMaxLr: number;
}

/**
 * The learning-rate range test (Smith 2015; Géron's "find the learning rate" recipe that the 1cycle schedule
 * starts from): trains for `steps` steps while the learning rate grows exponentially from `minLr` to `maxLr`,
 * `lr_i = minLr · (maxLr/minLr)^(i/(steps−1))` (set through `Optimizer.setLearningRate`), and records each
 * step's batch loss.
 *
 * **Suggestion rule**: the losses are smoothed with a bias-corrected exponential moving average
 * (`a_i = β·a_{i−1} + (1−β)·loss_i`, `s_i = a_i/(1 − β^{i+1})`, β = 0.98, as fastai's `lr_find`); the sweep is
 * cut where the smoothed loss exceeds 4× its minimum so far (or turns NaN: divergence), and the suggestion
 * is the learning rate at the minimum smoothed loss divided by 10 — Géron: "the optimal learning rate will
 * be a bit lower than the point at which the loss starts to climb (typically about 10 times lower)".
 *
 * The model's weights (every parameter, batch-norm statistics included) and the optimizer's state (moments,
 * step counter, learning-rate override) are restored afterwards, bit for bit. `target` is a compiled
 * {@link Trainer} (its optimizer must have `setLearningRate` and `getState`/`setState`, as
 * `@steadygrad/optim`'s `Optimizer` does), or a model with `options.compile`. Reads back once, at the end.
 */
export async function findLearningRate(
  target: Trainer | TrainableModel,
  x: DataLike,
  y: DataLike,
  options: FindLearningRateOptions = {},
): Promise<LearningRateSweep> {
  checkOptions('findLearningRate', options, KEYS);
  const { minLr = 1e-6, maxLr = 10, steps = 100, batchSize = 32, seed = 0, beta = 0.98 } = options;
  checkNumber('minLr', minLr, { above: 0 });
  checkNumber('maxLr', maxLr, { above: minLr });
  checkNumber('steps', steps, { min: 2, integer: true });
  checkNumber('batchSize', batchSize, { min: 1, integer: true });
  checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
  checkNumber('beta', beta, { min: 0, below: 1 });
  registerGradients();
  let trainer: Trainer;
  let owned = false;
  if (target instanceof Trainer) trainer = target;
  else {
    if (options.compile === undefined) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        'findLearningRate with a model needs options.compile ({ loss, optimizer }); or pass a compiled Trainer',
      );
    }
    trainer = compile(target, options.compile);
    owned = true;
  }
  const opt = trainer.optimizer;
  if (
    typeof opt.setLearningRate !== 'function' ||
    typeof opt.getState !== 'function' ||
    typeof opt.setState !== 'function'
  ) {
    throw new SteadygradError(
      'INCOMPATIBLE',
      "findLearningRate needs an optimizer with setLearningRate, getState and setState (@steadygrad/optim's Optimizer)",
    );
  }
  const xs = asSource('x', x);
  const ys = asSource('y', y);
  if (xs.size !== ys.size || xs.size === 0) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `x and y must hold the same, non-zero number of samples, got ${xs.size} and ${ys.size}`,
    );
  }
  const model = trainer.model;
  if (model.built !== true && model.outputShape === undefined && typeof model.build === 'function') {
    try {
      model.build();
    } catch {
      model.build([null, ...xs.shape]);
    }
  }
  // Labels out of range would make the sweep meaningless (a suggestion of 1e-7): checked once, up front.
  await checkFiniteInput('x', x);
  await checkTargets('y', y, {
    kind: isLoss(trainer.loss) ? trainer.loss.kind : undefined,
    outputShape: model.outputShape,
  });
  const release = acquireModel(model, trainer, 'findLearningRate');
  try {
    return await sweep(trainer, model, xs, ys, { minLr, maxLr, steps, batchSize, seed, beta });
  } finally {
    release();
    if (owned) trainer.dispose();
  }
}

async function sweep(
  trainer: Trainer,
  model: TrainableModel,
  xs: BatchSource,
  ys: BatchSource,
  o: { minLr: number; maxLr: number; steps: number; batchSize: number; seed: number; beta: number },
): Promise<LearningRateSweep> {
  const { minLr, maxLr, steps, batchSize, seed, beta } = o;
  const opt = trainer.optimizer as Required<Pick<OptimizerLike, 'setLearningRate' | 'getState' | 'setState'>>;
  const params: readonly Parameter[] = model.parameters ?? model.trainableParameters;
  const savedWeights = params.map((p) => tf.clone(p.variable));
  const savedOptimizer = opt.getState();
  const lossTensors: Tensor[] = [];
  const lrs: number[] = [];
  try {
    const root = new RandomStream(seed);
    const layers = root.fork();
    let order = epochOrder(xs.size, true, root);
    const perEpoch = Math.ceil(xs.size / batchSize);
    const ratio = maxLr / minLr;
    for (let i = 0; i < steps; i++) {
      const lr = minLr * ratio ** (i / (steps - 1));
      lrs.push(lr);
      opt.setLearningRate(lr);
      const s = i % perEpoch;
      if (s === 0 && i > 0) order = epochOrder(xs.size, true, root);
      const [start, end] = batchBounds(xs.size, batchSize, s);
      const idx = order.subarray(start, end);
      const xb = xs.batch(idx);
      const yb = ys.batch(idx);
      try {
        lossTensors.push(trainer.trainOnBatch(xb, yb, { rng: layers, checkTargets: false }));
      } finally {
        xb.dispose();
        yb.dispose();
      }
    }
    const stacked = tf.stack(lossTensors);
    const losses = Array.from(await stacked.data());
    stacked.dispose();
    const smoothedLosses: number[] = [];
    let avg = 0;
    let best = Number.POSITIVE_INFINITY;
    let bestIndex = 0;
    for (let i = 0; i < losses.length; i++) {
      avg = beta * avg + (1 - beta) * losses[i]!;
      const sm = avg / (1 - beta ** (i + 1));
      smoothedLosses.push(sm);
      if (!Number.isFinite(sm) || (i > 0 && sm > 4 * best)) break;
      if (sm < best) {
        best = sm;
        bestIndex = i;
      }
    }
    while (smoothedLosses.length < losses.length) smoothedLosses.push(Number.NaN);
    const minLossLr = lrs[bestIndex]!;
    return { lrs, losses, smoothedLosses, minLossLr, suggestedMaxLr: minLossLr / 10 };
  } finally {
    tf.dispose(lossTensors);
    for (const [i, p] of params.entries()) p.assign(savedWeights[i]!);
    tf.dispose(savedWeights);
    try {
      opt.setState(savedOptimizer);
    } finally {
      tf.dispose(Object.values(savedOptimizer.tensors));
    }
  }
}
