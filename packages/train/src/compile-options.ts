import { checkOptions, type GradientTransformation, optionKeys, SteadygradError } from '@steadygrad/core';
import { checkPairings } from '@steadygrad/nn';
import { Optimizer } from '@steadygrad/optim';
import { getLoss, isLoss, type LossFunction, type LossKind, type LossLike } from './losses.js';
import { getMetric, type Metric, type MetricLike, resolveMetricName } from './metrics.js';
import { REG_KEY } from './step-logs.js';
import type { OptimizerLike, TrainableModel } from './trainer-contract.js';

/** Options of `compile`: the loss, the optimizer and the metrics. */
export interface CompileOptions {
  /** A Keras loss name (`'sparse_categorical_crossentropy'`, ...), a built-in loss or `(yTrue, yPred) => Scalar`. */
  readonly loss: LossLike;
  /** A gradient transformation (`sgd({ learningRate: 0.01 })`), wrapped in an `Optimizer`, or an `Optimizer`. */
  // biome-ignore lint/suspicious/noExplicitAny: a transformation of any state type is accepted
  readonly optimizer: GradientTransformation<any> | OptimizerLike;
  /** Metric names (`'accuracy'`, `'mae'`, ...) or metric objects. Default none. */
  readonly metrics?: readonly MetricLike[];
  /**
   * The chapter's pairing lessons (nn's `checkPairings`): SELU with a non-LeCun kernel initializer, or SELU with
   * plain `Dropout`, warns once per pair. `true` (default) warns through `console.warn`, a function receives the
   * messages, `false` silences them.
   */
  readonly pairingWarnings?: boolean | ((message: string) => void);
}

const COMPILE_KEYS = optionKeys<CompileOptions>()(['loss', 'optimizer', 'metrics', 'pairingWarnings']);

/** A model bound to its loss, optimizer and metric specs: what `compile` checked and resolved. */
export interface Compiled {
  readonly model: TrainableModel;
  readonly optimizer: OptimizerLike;
  readonly loss: LossFunction;
  /** The built-in loss's kind (labels check, `'accuracy'`), `undefined` for a custom loss function. */
  readonly lossKind: LossKind | undefined;
  readonly fromLogits: boolean;
  /** The metrics as given; resolved per run by {@link resolveMetrics} once the shapes are known. */
  readonly metricSpecs: readonly MetricLike[];
  /** Whether the optimizer was made here from a transformation (then the trainer disposes it). */
  readonly ownsOptimizer: boolean;
}

function isOptimizerLike(x: unknown): x is OptimizerLike {
  return typeof x === 'object' && x !== null && typeof (x as OptimizerLike).step === 'function';
}

function isTransformation(x: unknown): x is GradientTransformation<unknown> {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as GradientTransformation).init === 'function' &&
    typeof (x as GradientTransformation).update === 'function'
  );
}

/**
 * Checks `compile`'s model and options and resolves them: the loss by name, the optimizer (a transformation is
 * wrapped in an `Optimizer`), the metric names (unknown ones fail now, not at `fit`); runs the pairing checks.
 */
export function resolveCompile(model: TrainableModel, options: CompileOptions): Compiled {
  checkOptions('compile', options, COMPILE_KEYS);
  if (typeof model !== 'object' || model === null || typeof model.apply !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'compile expects a model (e.g. a Sequential) as first argument',
    );
  }
  const { loss: lossLike, optimizer: opt, metrics = [], pairingWarnings = true } = options;
  if (typeof pairingWarnings !== 'boolean' && typeof pairingWarnings !== 'function') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `pairingWarnings must be a boolean or a function (message) => void, got ${JSON.stringify(pairingWarnings)}`,
    );
  }
  const loss = getLoss(lossLike);
  const ownsOptimizer = !isOptimizerLike(opt);
  let optimizer: OptimizerLike;
  if (isOptimizerLike(opt)) optimizer = opt;
  else if (isTransformation(opt)) optimizer = new Optimizer(opt);
  else {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'optimizer must be a gradient transformation (e.g. sgd({ learningRate: 0.01 })) or an Optimizer',
    );
  }
  if (!Array.isArray(metrics)) {
    throw new SteadygradError('INVALID_ARGUMENT', `metrics must be an array, got ${typeof metrics}`);
  }
  for (const m of metrics) {
    if (typeof m !== 'object' || m === null) resolveMetricName(m); // UNKNOWN_NAME / INVALID_ARGUMENT now, not at fit
  }
  const layers = (model as { layers?: unknown }).layers;
  const compiled: Compiled = {
    model,
    optimizer,
    loss,
    lossKind: isLoss(loss) ? loss.kind : undefined,
    fromLogits: isLoss(loss) ? loss.fromLogits : false,
    metricSpecs: [...metrics],
    ownsOptimizer,
  };
  if (pairingWarnings !== false && Array.isArray(layers)) {
    checkPairings(layers, typeof pairingWarnings === 'function' ? { warn: pairingWarnings } : {});
  }
  return compiled;
}

/** Resolves the metrics once shapes are known (`'accuracy'` depends on the loss or the shapes). */
export function resolveMetrics(c: Compiled, ySample: readonly number[]): Metric[] {
  const ctx = {
    lossKind: c.lossKind,
    fromLogits: c.fromLogits,
    yTrueShape: [null, ...ySample],
    yPredShape: c.model.outputShape,
  };
  const metrics = c.metricSpecs.map((m) => getMetric(m, ctx));
  const seen = new Set<string>(['loss', REG_KEY]);
  for (const m of metrics) {
    if (seen.has(m.name)) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `two metrics (or a metric and the loss) are both named '${m.name}'`,
      );
    }
    seen.add(m.name);
  }
  return metrics;
}
