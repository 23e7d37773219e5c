import {
  checkOptions,
  type KerasName,
  optionKeys,
  resolveName,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { sparseAccuracyHostAvailable, sparseCategoricalAccuracyHost } from '@steadygrad/core/kernels';
import type { LossKind } from './losses.js';

/**
 * A metric: per-sample values `[n]` computed on the device from a batch's targets and predictions. `fit` and
 * `evaluate` add up `Σ_i value_i` on the device across batches and divide by the number of samples once, at
 * the end of the epoch (Keras's `Mean`-style metric state, with no read-back per step).
 */
export interface Metric {
  /** The key under which the metric appears in logs and `History` (`'accuracy'`, `'val_accuracy'`). */
  readonly name: string;
  /** Per-sample values, shape `[n]`, float32. The caller owns (and disposes) the result. */
  perSample(yTrue: Tensor, yPred: Tensor): Tensor;
}

/** Options of the accuracy metrics: the name they log under. */
export interface AccuracyOptions {
  /** Name in the logs. Default: the metric's Keras name. */
  readonly name?: string;
}

const ACCURACY_KEYS = optionKeys<AccuracyOptions>()(['name']);

/** Options of `binaryAccuracy`: its name and decision threshold. */
export interface BinaryAccuracyOptions extends AccuracyOptions {
  /**
   * Decision threshold applied to `yPred`. Default 0.5 (Keras). For logits, use 0 (`compile` does so
   * automatically when the loss is `binaryCrossentropy({ fromLogits: true })`, where Keras would still
   * compare the logits with 0.5).
   */
  readonly threshold?: number;
}

const BINARY_ACCURACY_KEYS = optionKeys<BinaryAccuracyOptions>()(['threshold', ...ACCURACY_KEYS]);

function asInt(t: Tensor): Tensor {
  return t.dtype === 'int32' ? t : tf.cast(t, 'int32');
}

/** Flattens to `[n]` when the trailing axes are all 1. */
function toSampleVector(t: Tensor): Tensor {
  return t.rank > 1 && t.size === t.shape[0] ? tf.reshape(t, [-1]) : t;
}

/**
 * Sparse categorical accuracy (Keras `'sparse_categorical_accuracy'`): `1[argmax_k p[i, k] = y_i]` for
 * integer labels `[n]` or `[n, 1]` and predictions `[n, K]` (probabilities or logits: the argmax is the same).
 * Ties resolve to the first maximal index (`tf.argMax`, Keras and PyTorch's `argmax`). Float labels are
 * truncated to integers first.
 *
 * On the cpu and wasm backends, float32 `[n, K]` predictions take ONE host kernel
 * (`sparseCategoricalAccuracyHost`) instead of argMax, equal and cast, with the same results (NaN included:
 * a NaN never wins the argmax unless it is in column 0, as in `tf.argMax` there); see
 * `sparseCategoricalAccuracyReference` for the op graph.
 */
export function sparseCategoricalAccuracy(options: AccuracyOptions = {}): Metric {
  checkOptions('sparseCategoricalAccuracy', options, ACCURACY_KEYS);
  const { name = 'sparse_categorical_accuracy' } = options;
  return {
    name,
    perSample: (yTrue, yPred) =>
      sparseAccuracyHostAvailable(yTrue, yPred)
        ? sparseCategoricalAccuracyHost(yTrue, yPred)
        : sparseCategoricalAccuracyReference(yTrue, yPred),
  };
}

/**
 * The per-sample values of {@link sparseCategoricalAccuracy} computed by the plain tfjs op graph
 * (`cast(equal(argMax(p, −1), int(y)), 'float32')`) on every backend: the reference the host kernel is tested
 * against.
 */
export function sparseCategoricalAccuracyReference(yTrue: Tensor, yPred: Tensor): Tensor {
  return tf.tidy(() => {
    const labels = toSampleVector(yTrue);
    return tf.cast(tf.equal(tf.argMax(yPred, -1), asInt(labels)), 'float32');
  });
}

/**
 * Categorical accuracy (Keras `'categorical_accuracy'`): `1[argmax p_i = argmax y_i]` for one-hot (or soft)
 * targets of the same shape as the predictions. Ties resolve to the first maximal index, as in Keras.
 */
export function categoricalAccuracy(options: AccuracyOptions = {}): Metric {
  checkOptions('categoricalAccuracy', options, ACCURACY_KEYS);
  const { name = 'categorical_accuracy' } = options;
  return {
    name,
    perSample: (yTrue, yPred) =>
      tf.tidy(() => tf.cast(tf.equal(tf.argMax(yPred, -1), tf.argMax(yTrue, -1)), 'float32')),
  };
}

/**
 * Binary accuracy (Keras `'binary_accuracy'`): the mean over the last axis of `1[(p > threshold) = (y > 0.5)]`
 * per sample (Keras compares `p > threshold` with the target value itself, so a hard 0/1 target is needed
 * there; here soft targets are rounded at 0.5). Targets `[n]` are accepted against predictions `[n, 1]`.
 */
export function binaryAccuracy(options: BinaryAccuracyOptions = {}): Metric {
  checkOptions('binaryAccuracy', options, BINARY_ACCURACY_KEYS);
  const { name = 'binary_accuracy', threshold = 0.5 } = options;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `threshold must be a finite number, got ${JSON.stringify(threshold)}`,
    );
  }
  return {
    name,
    perSample: (yTrue, yPred) =>
      tf.tidy(() => {
        let y = yTrue;
        if (y.rank === yPred.rank - 1 && yPred.shape[yPred.rank - 1] === 1) y = tf.expandDims(y, -1);
        const hits = tf.cast(tf.equal(tf.greater(yPred, threshold), tf.greater(y, 0.5)), 'float32');
        return hits.rank > 1 ? tf.mean(tf.reshape(hits, [hits.shape[0]!, -1]), -1) : hits;
      }),
  };
}

/** Mean absolute error as a metric (Keras `'mae'` / `'mean_absolute_error'`): `mean_j |y_ij − p_ij|`. */
export function meanAbsoluteError(options: AccuracyOptions = {}): Metric {
  checkOptions('meanAbsoluteError', options, ACCURACY_KEYS);
  const { name = 'mean_absolute_error' } = options;
  return {
    name,
    perSample: (yTrue, yPred) =>
      tf.tidy(() => {
        const d = tf.abs(tf.sub(tf.cast(yTrue, 'float32'), yPred));
        return d.rank > 1 ? tf.mean(tf.reshape(d, [d.shape[0]!, -1]), -1) : d;
      }),
  };
}

/** Mean squared error as a metric (Keras `'mse'` / `'mean_squared_error'`): `mean_j (y_ij − p_ij)²`. */
export function meanSquaredErrorMetric(options: AccuracyOptions = {}): Metric {
  checkOptions('meanSquaredErrorMetric', options, ACCURACY_KEYS);
  const { name = 'mean_squared_error' } = options;
  return {
    name,
    perSample: (yTrue, yPred) =>
      tf.tidy(() => {
        const d = tf.squaredDifference(tf.cast(yTrue, 'float32'), yPred);
        return d.rank > 1 ? tf.mean(tf.reshape(d, [d.shape[0]!, -1]), -1) : d;
      }),
  };
}

const KERAS_METRIC_NAMES = [
  'accuracy',
  'acc',
  'sparse_categorical_accuracy',
  'categorical_accuracy',
  'binary_accuracy',
  'mean_absolute_error',
  'mae',
  'mean_squared_error',
  'mse',
] as const;

/** A Keras metric name: `'accuracy'`, `'sparse_categorical_accuracy'`, …, `'mse'`. */
export type KerasMetricName = (typeof KERAS_METRIC_NAMES)[number];

/**
 * A metric name {@link getMetric} resolves: Keras's snake_case (`'sparse_categorical_accuracy'`) or tfjs-layers'
 * camelCase (`'sparseCategoricalAccuracy'`).
 */
export type MetricName = KerasName<KerasMetricName>;

/**
 * Names {@link getMetric} resolves (each also in camelCase, see {@link MetricName}). `'accuracy'`/`'acc'` are
 * resolved from the loss (see there).
 */
export const METRIC_NAMES: readonly KerasMetricName[] = Object.freeze([...KERAS_METRIC_NAMES]);

/** What `compile` accepts as a metric: a {@link MetricName} or a metric object. */
export type MetricLike = MetricName | Metric;

/** What the trainer knows when it resolves `'accuracy'`. */
export interface MetricContext {
  /** The loss's kind, when the loss is a built-in one. */
  readonly lossKind?: LossKind;
  /** Whether the built-in loss takes logits (binary accuracy then thresholds at 0). */
  readonly fromLogits?: boolean;
  /** Ranks and last dimensions of the targets and the model's output, for losses of unknown kind. */
  readonly yTrueShape?: readonly (number | null)[];
  readonly yPredShape?: readonly (number | null)[];
}

/**
 * The accuracy `metrics: ['accuracy']` means. With a built-in loss, chosen from it: sparse categorical
 * cross-entropy → sparse categorical accuracy; categorical → categorical; binary → binary (threshold 0 for
 * logits, 0.5 for probabilities). Otherwise from the shapes with Keras 3's rule: binary when the target and
 * prediction ranks are equal and the last prediction axis is 1; sparse when the targets have a lower rank, or
 * a last axis of 1 against predictions with more than one class; else categorical.
 */
export function resolveAccuracy(name: string, ctx: MetricContext): Metric {
  const { lossKind, fromLogits = false, yTrueShape, yPredShape } = ctx;
  if (lossKind === 'sparse_categorical') return sparseCategoricalAccuracy({ name });
  if (lossKind === 'categorical') return categoricalAccuracy({ name });
  if (lossKind === 'binary') return binaryAccuracy({ name, threshold: fromLogits ? 0 : 0.5 });
  if (yTrueShape === undefined || yPredShape === undefined) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `cannot tell which '${name}' is meant for this loss; use 'sparse_categorical_accuracy', 'categorical_accuracy' or 'binary_accuracy'`,
    );
  }
  const tLast = yTrueShape[yTrueShape.length - 1];
  const pLast = yPredShape[yPredShape.length - 1];
  if (yTrueShape.length === yPredShape.length && pLast === 1) return binaryAccuracy({ name });
  if (
    yTrueShape.length < yPredShape.length ||
    (tLast === 1 && pLast !== undefined && pLast !== null && pLast > 1)
  ) {
    return sparseCategoricalAccuracy({ name });
  }
  return categoricalAccuracy({ name });
}

/**
 * The Keras name of a metric name given in either spelling (`'sparseCategoricalAccuracy'` →
 * `'sparse_categorical_accuracy'`). Unknown names throw `UNKNOWN_NAME` with a "did you mean"; anything but a
 * string is `INVALID_ARGUMENT`.
 */
export function resolveMetricName(name: unknown): KerasMetricName {
  if (typeof name !== 'string') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `a metric must be a name (${METRIC_NAMES.map((n) => `'${n}'`).join(', ')}) or a metric object { name, perSample }, got ${typeof name === 'object' ? JSON.stringify(name) : String(name)}`,
      { details: { value: name } },
    );
  }
  return resolveName('metric', name, METRIC_NAMES, {}, 'or pass a metric object { name, perSample }');
}

/**
 * Resolves a metric by name ({@link MetricName}: Keras's snake_case or tfjs-layers' camelCase) or passes a
 * {@link Metric} through. The log key is the name as given (`'acc'` logs as `acc`, `'mae'` as `mae`,
 * `'sparseCategoricalAccuracy'` as `sparseCategoricalAccuracy`), as in Keras and tfjs-layers. Unknown names
 * throw `UNKNOWN_NAME` with a "did you mean" and the valid names.
 */
export function getMetric(metric: MetricLike, ctx: MetricContext = {}): Metric {
  if (typeof metric === 'object' && metric !== null && typeof metric.perSample === 'function') {
    if (typeof metric.name !== 'string' || metric.name.length === 0) {
      throw new SteadygradError('INVALID_ARGUMENT', 'a metric object needs a non-empty string name');
    }
    return metric;
  }
  const keras = resolveMetricName(metric);
  const name = metric as string;
  switch (keras) {
    case 'accuracy':
    case 'acc':
      return resolveAccuracy(name, ctx);
    case 'sparse_categorical_accuracy':
      return sparseCategoricalAccuracy({ name });
    case 'categorical_accuracy':
      return categoricalAccuracy({ name });
    case 'binary_accuracy':
      return binaryAccuracy({
        name,
        threshold: ctx.lossKind === 'binary' && ctx.fromLogits === true ? 0 : 0.5,
      });
    case 'mean_absolute_error':
    case 'mae':
      return meanAbsoluteError({ name });
    case 'mean_squared_error':
    case 'mse':
      return meanSquaredErrorMetric({ name });
  }
}
