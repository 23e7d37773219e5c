import { type Scalar, SteadygradError, type Tensor } from '@steadygrad/core';
import type { DataLike } from './batching.js';
import type { History, Logs } from './callbacks.js';
import { type Compiled, type CompileOptions, resolveCompile } from './compile-options.js';
import { type EvaluateOptions, evaluateData, type PredictOptions, predictData } from './evaluate.js';
import { runFit } from './fit-loop.js';
import type { FitOptions } from './fit-options.js';
import type { LossFunction } from './losses.js';
import { acquireModel } from './model-lock.js';
import { type TrainOnBatchOptions, trainOnBatchStep } from './train-step.js';
import type { OptimizerLike, TrainableModel } from './trainer-contract.js';

/**
 * A model compiled with a loss, an optimizer and metrics (Keras `model.compile(...)`): `fit`, `evaluate`
 * and `predict`. Create one with {@link compile}.
 *
 * A facade: the options of `compile` live in `compile-options.ts`, `fit`'s in `fit-options.ts`, the step in
 * `train-step.ts`, the epoch loop in `fit-loop.ts`, resuming in `fit-resume.ts`, evaluate and predict in
 * `evaluate.ts`; this class holds the lifecycle (busy, disposed).
 */
export class Trainer {
  readonly model: TrainableModel;
  readonly optimizer: OptimizerLike;
  readonly loss: LossFunction;
  /** Set to `true` (from a callback) to stop `fit` after the current batch (Keras `model.stop_training`). */
  stopTraining = false;
  /** The `History` of the last `fit`. */
  history: History | undefined;
  private readonly compiled: Compiled;
  private fitting = false;
  private disposed = false;
  private disposeWhenDone = false;

  constructor(model: TrainableModel, options: CompileOptions) {
    this.compiled = resolveCompile(model, options);
    this.model = this.compiled.model;
    this.optimizer = this.compiled.optimizer;
    this.loss = this.compiled.loss;
  }

  /**
   * One optimization step on one batch (Keras `train_on_batch`), outside `fit`: the same step as `fit`'s
   * (loss + penalties, gradients, optimizer, constraints). Returns the batch's mean loss (penalties included)
   * as a scalar tensor the caller disposes; nothing is read back. `rng` feeds the layers' randomness
   * (dropout); default a stream seeded with 0.
   */
  trainOnBatch(x: Tensor, y: Tensor, options: TrainOnBatchOptions = {}): Scalar {
    return trainOnBatchStep(this.compiled, this, x, y, options, () => this.checkUsable('trainOnBatch'));
  }

  /**
   * Trains the model (Keras `model.fit`). Every epoch visits the training samples in a seeded random order
   * (`shuffle`), in batches of `batchSize` (the last one smaller), runs one optimizer step per batch, then
   * evaluates the validation data, if any. Loss and metric sums stay on the device during the epoch and are
   * read back once at its end (plus at most ~10 times a second for the progress bar, and only when a
   * callback reads batch logs).
   *
   * Epoch logs: `loss` (the batch-size-weighted mean of the batch losses, penalties included, as in Keras),
   * `regularization_loss` (the penalties' part, when the model has any), each metric, `val_*` for the
   * validation data (computed exactly as `evaluate` does), and `lr` when the optimizer exposes a learning
   * rate. Returns the run's {@link History}.
   *
   * The input data is checked once up front: equal sample counts, no NaN/Inf, labels in range for the loss
   * and the model's output (see `checkTargets`).
   */
  async fit(x: DataLike, y: DataLike, options: FitOptions = {}): Promise<History> {
    this.checkUsable('fit');
    if (this.fitting) {
      throw new SteadygradError(
        'BUSY',
        'fit is already running on this trainer: await the running fit before starting another',
      );
    }
    const release = acquireModel(this.model, this, 'fit');
    this.fitting = true;
    try {
      return await runFit(this, this.compiled, x, y, options, () => this.disposeWhenDone);
    } finally {
      this.fitting = false;
      release();
      if (this.disposeWhenDone) this.dispose();
    }
  }

  /**
   * Loss and metrics of the model on `(x, y)` in inference mode (Keras `model.evaluate`): `{ loss, accuracy,
   * … }` where `loss` includes the penalties (`regularization_loss` reported separately when there are
   * any) and every value is the mean over all samples. Batches are summed on the device; one read-back.
   */
  async evaluate(x: DataLike, y: DataLike, options: EvaluateOptions = {}): Promise<Logs> {
    return evaluateData(this.compiled, x, y, options, () => this.checkUsable('evaluate'));
  }

  /**
   * The model's outputs for `x` in inference mode (Keras `model.predict`), computed `batchSize` samples at
   * a time and concatenated into one tensor (which the caller disposes).
   */
  predict(x: DataLike, options: PredictOptions = {}): Tensor {
    return predictData(this.compiled, x, options, () => this.checkUsable('predict'));
  }

  /**
   * Frees the optimizer's state when this trainer created the optimizer (from a gradient transformation);
   * an `Optimizer` passed to `compile` belongs to the caller and is left alone. The model is not touched.
   * Afterwards `fit`, `trainOnBatch`, `evaluate` and `predict` are `DISPOSED` errors.
   *
   * During a `fit` the disposal is deferred: `stopTraining` is set, the running fit ends after its current
   * batch (its epoch end and checkpoint run as for any stop), and the trainer is disposed when the fit
   * settles; nothing is freed under the running step, so no tensor is orphaned. Calling it twice is harmless.
   */
  dispose(): void {
    if (this.fitting) {
      this.disposeWhenDone = true;
      this.stopTraining = true;
      return;
    }
    if (this.disposed) return;
    this.disposed = true;
    this.disposeWhenDone = false;
    if (this.compiled.ownsOptimizer) this.optimizer.dispose?.();
  }

  /**
   * Throws `DISPOSED` when this trainer was disposed or its model's parameters were freed (`model.dispose()`),
   * before anything runs.
   */
  private checkUsable(what: string): void {
    if (this.disposed) {
      throw new SteadygradError(
        'DISPOSED',
        `${what}: this trainer was disposed; compile the model again to train or evaluate it`,
      );
    }
    const params = this.model.parameters ?? this.model.trainableParameters;
    const freed = params.find((p) => p.variable.isDisposed);
    if (freed !== undefined) {
      throw new SteadygradError(
        'DISPOSED',
        `${what}: the model was disposed (parameter '${freed.name}' is freed); build a new model`,
        { details: { parameter: freed.name } },
      );
    }
  }
}

/**
 * Keras `model.compile(loss, optimizer, metrics)`: binds a model to a loss, an optimizer and metrics and
 * returns the {@link Trainer} that fits, evaluates and predicts with them.
 *
 * ```ts
 * const trainer = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: sgd({ learningRate: 0.01 }), metrics: ['accuracy'] });
 * const history = await trainer.fit(xTrain, yTrain, { epochs: 10, validationSplit: 0.1 });
 * ```
 */
export function compile(model: TrainableModel, options: CompileOptions): Trainer {
  if (typeof options !== 'object' || options === null) {
    throw new SteadygradError('INVALID_ARGUMENT', 'compile expects options { loss, optimizer, metrics }');
  }
  return new Trainer(model, options);
}
