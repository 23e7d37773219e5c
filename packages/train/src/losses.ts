import {
  checkNumber,
  checkOptions,
  isSoftmaxOutput,
  type KerasName,
  log1pExact,
  optionKeys,
  resolveName,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { sparseCategoricalCrossentropyHost, sparseCrossentropyHostAvailable } from '@steadygrad/core/kernels';

/**
 * The probability clip of the probability-input losses: predictions are clipped to `[EPSILON, 1 − EPSILON]`
 * before the logarithm, as Keras 3 does with `backend.epsilon() = 1e-7`. It bounds each sample's loss by
 * `−ln(1e-7) ≈ 16.12` and keeps the gradient finite at 0 and 1 (the clip passes no gradient outside the
 * interval). PyTorch clamps the *log* at −100 instead (`binary_cross_entropy`), or not at all (`nll_loss`).
 */
export const EPSILON = 1e-7;

/**
 * The lower clip of the categorical cross-entropies on the output of a softmax layer: the smallest normal
 * float32, 2⁻¹²⁶. Keras 3 computes these losses from the softmax's cached logits (`_keras_logits`) rather
 * than from clipped probabilities whenever the predictions come straight from a softmax — which is the case
 * in `fit` and `evaluate` for any model whose output layer has `activation="softmax"`. steadygrad does the
 * same from the probabilities: on a tensor marked by core's `markSoftmaxOutput` (every softmax activation
 * and softmax Dense layer marks its output) the clip is `[2⁻¹²⁶, 1]` instead of `[ε, 1 − ε]`, so the loss is
 * `−log p` and, through the softmax's backward, the gradient reaching the logits is `(p − y)/n`, as from
 * logits — where the ε clip would pass NO gradient for a confidently wrong sample (`p < 1e-7`). The two
 * differ only where the float32 softmax underflows (`p < 2⁻¹²⁶`, logit gaps above ~87), where the loss is
 * capped at `126·ln 2 ≈ 87.3`. Measured on the seed cell 5 model: with the ε clip, steadygrad scored
 * systematically above Keras 3 (docs/keras-parity.md; pinned by softmax-crossentropy.test.ts).
 */
export const SOFTMAX_FLOOR = 2 ** -126;

/** The clip bounds of a probability-input categorical loss for `yPred` (see {@link SOFTMAX_FLOOR}). */
export function probabilityClip(yPred: Tensor): readonly [number, number] {
  return isSoftmaxOutput(yPred) ? [SOFTMAX_FLOOR, 1] : [EPSILON, 1 - EPSILON];
}

/** Which family a built-in loss belongs to; `compile` uses it to pick the right `'accuracy'`. */
export type LossKind = 'sparse_categorical' | 'categorical' | 'binary' | 'regression';

/**
 * A loss: `(yTrue, yPred) => Scalar`, the mean of the per-sample losses over the batch (Keras's
 * `sum_over_batch_size` reduction). Built-in losses also carry their Keras name, options and kind.
 */
export type LossFunction = (yTrue: Tensor, yPred: Tensor) => Scalar;

export interface Loss extends LossFunction {
  readonly lossName: string;
  readonly kind: LossKind;
  readonly fromLogits: boolean;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Options of the cross-entropy losses: whether predictions are logits. */
export interface CrossentropyOptions {
  /** `yPred` holds logits (unnormalized scores) rather than probabilities. Default `false` (Keras). */
  readonly fromLogits?: boolean;
}

const CROSSENTROPY_KEYS = optionKeys<CrossentropyOptions>()(['fromLogits']);

/** Options of the categorical and binary cross-entropies, which also take label smoothing. */
export interface SmoothedCrossentropyOptions extends CrossentropyOptions {
  /**
   * Label smoothing in [0, 1]: categorical targets become `y·(1 − s) + s/K` (K classes), binary targets
   * `y·(1 − s) + s/2`, as in Keras and PyTorch's `label_smoothing`. Default 0.
   */
  readonly labelSmoothing?: number;
}

const SMOOTHED_KEYS = optionKeys<SmoothedCrossentropyOptions>()(['labelSmoothing', ...CROSSENTROPY_KEYS]);

function makeLoss(fn: LossFunction, lossName: string, kind: LossKind, config: Record<string, unknown>): Loss {
  const loss = ((yTrue: Tensor, yPred: Tensor) => fn(yTrue, yPred)) as Loss & Record<string, unknown>;
  Object.defineProperties(loss, {
    lossName: { value: lossName, enumerable: true },
    kind: { value: kind, enumerable: true },
    fromLogits: { value: config.fromLogits === true, enumerable: true },
    config: { value: Object.freeze({ ...config }), enumerable: true },
    name: { value: lossName },
  });
  return loss;
}

function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new SteadygradError('INVALID_ARGUMENT', `${name} must be a boolean, got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkRankAtLeast(lossName: string, what: string, t: Tensor, rank: number): void {
  if (t.rank < rank) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${lossName}: ${what} must have rank >= ${rank} (batch first), got shape [${t.shape}]`,
    );
  }
}

function checkSameShape(lossName: string, yTrue: Tensor, yPred: Tensor): void {
  if (!tf.util.arraysEqual(yTrue.shape, yPred.shape)) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${lossName}: yTrue and yPred must have the same shape, got yTrue [${yTrue.shape}] and yPred [${yPred.shape}]`,
    );
  }
}

/**
 * Brings `yTrue` to `yPred`'s rank when they differ by a trailing axis of size 1 (Keras's
 * `squeeze_or_expand_to_same_rank`): labels `[n]` against predictions `[n, 1]` and vice versa.
 */
function alignRank(yTrue: Tensor, yPred: Tensor): Tensor {
  if (yTrue.rank === yPred.rank - 1 && yPred.shape[yPred.rank - 1] === 1) return tf.expandDims(yTrue, -1);
  if (yTrue.rank === yPred.rank + 1 && yTrue.shape[yTrue.rank - 1] === 1) return tf.squeeze(yTrue, [-1]);
  return yTrue;
}

function asFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/**
 * Log-probabilities of a probability-input categorical loss, Keras 3 style: the predictions are first
 * renormalized to sum to 1 along the class axis, then clipped to `[ε, 1 − ε]`, then logged.
 */
function clippedLogProbabilities(yPred: Tensor): Tensor {
  const [lo, hi] = probabilityClip(yPred);
  const p = asFloat(yPred);
  const normalized = tf.div(p, tf.sum(p, -1, true));
  return tf.log(tf.clipByValue(normalized, lo, hi));
}

const SPARSE_CE = 'sparse_categorical_crossentropy';

/**
 * Sparse categorical cross-entropy (Keras `'sparse_categorical_crossentropy'`, PyTorch `cross_entropy`
 * with class-index targets): for integer labels `y ∈ {0, …, K−1}` (shape `[n]` or `[n, 1]`) and predictions
 * `p` of shape `[n, K]`, `L = mean_i −log p̂[i, y_i]` where
 * - `fromLogits: false` (default): `p̂ = clip(p / Σ_k p_k, ε, 1 − ε)` (Keras renormalizes and clips), or
 *   exactly `p̂ = clip(p / Σ_k p_k, 2⁻¹²⁶, 1)` when `p` is a softmax layer's output, as Keras 3 computes it
 *   from the cached logits there (see {@link SOFTMAX_FLOOR});
 * - `fromLogits: true`: `log p̂ = logSoftmax(z) = z − logsumexp(z)`, exact and stable for any logits.
 *
 * On the cpu and wasm backends, probabilities of shape `[n, K]` (float32) take a fused path: the loss is ONE
 * host kernel and its gradient ONE more (`sparseCategoricalCrossentropyHost`), with the same formula and the
 * same float32 results as the op graph (see `sparseCategoricalCrossentropyReference`, which always runs
 * that graph).
 *
 * Labels outside `[0, K)` are not checked here on the device (that would need a read-back); `fit` and
 * `evaluate` check them once up front.
 */
export function sparseCategoricalCrossentropy(options: CrossentropyOptions = {}): Loss {
  checkOptions('sparseCategoricalCrossentropy', options, CROSSENTROPY_KEYS);
  const { fromLogits = false } = options;
  checkBoolean('fromLogits', fromLogits);
  return makeLoss(
    (yTrue, yPred) => sparseCrossentropy(yTrue, yPred, fromLogits, true),
    SPARSE_CE,
    'sparse_categorical',
    { fromLogits },
  );
}

/**
 * {@link sparseCategoricalCrossentropy} computed by the plain tfjs op graph on every backend (renormalize,
 * clip, log, one-hot product, mean; autodiff for the gradient), with the same checks and errors. The
 * reference the fused cpu/wasm path is tested against.
 */
export function sparseCategoricalCrossentropyReference(
  yTrue: Tensor,
  yPred: Tensor,
  options: CrossentropyOptions = {},
): Scalar {
  const { fromLogits = false } = options;
  checkBoolean('fromLogits', fromLogits);
  return sparseCrossentropy(yTrue, yPred, fromLogits, false);
}

function sparseCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits: boolean, fused: boolean): Scalar {
  return tf.tidy(() => {
    checkRankAtLeast(SPARSE_CE, 'yPred', yPred, 2);
    const squeezeLast = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1;
    const labelShape = squeezeLast ? yTrue.shape.slice(0, -1) : yTrue.shape;
    if (!tf.util.arraysEqual(labelShape, yPred.shape.slice(0, -1))) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${SPARSE_CE}: labels must have shape [${yPred.shape.slice(0, -1)}] (or with a trailing 1) for predictions [${yPred.shape}], got [${yTrue.shape}]`,
      );
    }
    if (fused && !fromLogits && sparseCrossentropyHostAvailable(yTrue, yPred)) {
      // The host kernels read the labels as a flat [n] array: no squeeze needed.
      return sparseCategoricalCrossentropyHost(yTrue, yPred, probabilityClip(yPred)[0]);
    }
    const labels = squeezeLast ? tf.squeeze(yTrue, [-1]) : yTrue;
    const numClasses = yPred.shape[yPred.rank - 1]!;
    const logP = fromLogits ? tf.logSoftmax(asFloat(yPred)) : clippedLogProbabilities(yPred);
    const oneHot = tf.oneHot(tf.cast(labels, 'int32'), numClasses);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logP), -1))) as Scalar;
  });
}

/**
 * Categorical cross-entropy (Keras `'categorical_crossentropy'`, PyTorch `cross_entropy` with probability
 * targets): for one-hot or soft targets `y` and predictions of shape `[n, K]`,
 * `L = mean_i −Σ_k y'[i, k] · log p̂[i, k]`, with `y' = y·(1 − s) + s/K` (label smoothing `s`, default 0)
 * and `p̂` as in {@link sparseCategoricalCrossentropy} (renormalized and clipped probabilities, or
 * `logSoftmax` of logits).
 */
export function categoricalCrossentropy(options: SmoothedCrossentropyOptions = {}): Loss {
  checkOptions('categoricalCrossentropy', options, SMOOTHED_KEYS);
  const { fromLogits = false, labelSmoothing = 0 } = options;
  checkBoolean('fromLogits', fromLogits);
  checkNumber('labelSmoothing', labelSmoothing, { min: 0, max: 1 });
  const lossName = 'categorical_crossentropy';
  return makeLoss(
    (yTrue, yPred) =>
      tf.tidy(() => {
        checkRankAtLeast(lossName, 'yPred', yPred, 2);
        checkSameShape(lossName, yTrue, yPred);
        const numClasses = yPred.shape[yPred.rank - 1]!;
        let y = asFloat(yTrue);
        if (labelSmoothing > 0) y = tf.add(tf.mul(y, 1 - labelSmoothing), labelSmoothing / numClasses);
        const logP = fromLogits ? tf.logSoftmax(asFloat(yPred)) : clippedLogProbabilities(yPred);
        return tf.neg(tf.mean(tf.sum(tf.mul(y, logP), -1))) as Scalar;
      }),
    lossName,
    'categorical',
    { fromLogits, labelSmoothing },
  );
}

/**
 * Binary cross-entropy (Keras `'binary_crossentropy'`): for targets `y ∈ [0, 1]` and predictions of the same
 * shape (labels `[n]` are accepted against predictions `[n, 1]`), the element loss is
 * - `fromLogits: false` (default): `−(y·log p̂ + (1 − y)·log(1 − p̂))` with `p̂ = clip(p, ε, 1 − ε)` (Keras 3;
 *   PyTorch's `binary_cross_entropy` clamps each log at −100 instead, identical inside the clip);
 * - `fromLogits: true`: `max(z, 0) − z·y + log(1 + exp(−|z|))`, the stable form of the same with
 *   `p = sigmoid(z)` (PyTorch `binary_cross_entropy_with_logits`); the `log(1 + ·)` is core's `log1pExact`, so a
 *   well-classified logit (|z| ≥ 17) still has its tiny loss `exp(−|z|)` on wasm, whose `log1p` returns 0.
 *
 * Targets are smoothed to `y·(1 − s) + s/2` first. The loss is averaged over the last axis and then over the
 * batch (for `[n, 1]` predictions: the plain mean).
 */
export function binaryCrossentropy(options: SmoothedCrossentropyOptions = {}): Loss {
  checkOptions('binaryCrossentropy', options, SMOOTHED_KEYS);
  const { fromLogits = false, labelSmoothing = 0 } = options;
  checkBoolean('fromLogits', fromLogits);
  checkNumber('labelSmoothing', labelSmoothing, { min: 0, max: 1 });
  const lossName = 'binary_crossentropy';
  return makeLoss(
    (yTrue, yPred) =>
      tf.tidy(() => {
        checkRankAtLeast(lossName, 'yPred', yPred, 1);
        const aligned = alignRank(yTrue, yPred);
        checkSameShape(lossName, aligned, yPred);
        let y = asFloat(aligned);
        if (labelSmoothing > 0) y = tf.add(tf.mul(y, 1 - labelSmoothing), labelSmoothing / 2);
        const z = asFloat(yPred);
        let elementLoss: Tensor;
        if (fromLogits) {
          elementLoss = tf.add(tf.sub(tf.relu(z), tf.mul(z, y)), log1pExact(tf.exp(tf.neg(tf.abs(z)))));
        } else {
          const p = tf.clipByValue(z, EPSILON, 1 - EPSILON);
          elementLoss = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
        }
        const perSample = elementLoss.rank > 1 ? tf.mean(elementLoss, -1) : elementLoss;
        return tf.mean(perSample) as Scalar;
      }),
    lossName,
    'binary',
    { fromLogits, labelSmoothing },
  );
}

/**
 * Mean squared error (Keras `'mean_squared_error'` / `'mse'`, PyTorch `mse_loss`):
 * `L = mean_i mean_j (y[i, j] − p[i, j])²`, averaged over the last axis, then over the batch; for
 * equal-size samples this is the plain mean over all elements, as in PyTorch. Targets `[n]` are accepted
 * against predictions `[n, 1]`.
 */
export function meanSquaredError(): Loss {
  const lossName = 'mean_squared_error';
  return makeLoss(
    (yTrue, yPred) =>
      tf.tidy(() => {
        checkRankAtLeast(lossName, 'yPred', yPred, 1);
        const aligned = alignRank(yTrue, yPred);
        checkSameShape(lossName, aligned, yPred);
        const sq = tf.squaredDifference(asFloat(aligned), asFloat(yPred));
        const perSample = sq.rank > 1 ? tf.mean(sq, -1) : sq;
        return tf.mean(perSample) as Scalar;
      }),
    lossName,
    'regression',
    {},
  );
}

const LOSS_FACTORIES = {
  sparse_categorical_crossentropy: sparseCategoricalCrossentropy,
  categorical_crossentropy: categoricalCrossentropy,
  binary_crossentropy: binaryCrossentropy,
  mean_squared_error: meanSquaredError,
  mse: meanSquaredError,
} as const;

/** A Keras loss name: `'sparse_categorical_crossentropy'`, …, `'mse'`. */
export type KerasLossName = keyof typeof LOSS_FACTORIES;

/**
 * A loss name {@link getLoss} resolves: Keras's snake_case (`'sparse_categorical_crossentropy'`) or tfjs-layers'
 * camelCase (`'sparseCategoricalCrossentropy'`).
 */
export type LossName = KerasName<KerasLossName>;

/** The Keras loss names {@link getLoss} resolves (each also in camelCase, see {@link LossName}). */
export const LOSS_NAMES: readonly KerasLossName[] = Object.freeze(
  Object.keys(LOSS_FACTORIES) as KerasLossName[],
);

/**
 * What `compile` accepts as a loss: a loss name ({@link LossName}), a built-in {@link Loss}, a built-in factory
 * passed without calling it (`sparseCategoricalCrossentropy`) or any `(yTrue, yPred) => Scalar`.
 */
export type LossLike = LossName | Loss | LossFunction | (() => Loss);

const FACTORY_SET: ReadonlySet<unknown> = new Set<unknown>(Object.values(LOSS_FACTORIES));

/** True when `fn` is a built-in loss (it carries a Keras name and a kind). */
export function isLoss(fn: unknown): fn is Loss {
  return (
    typeof fn === 'function' &&
    typeof (fn as Loss).lossName === 'string' &&
    typeof (fn as Loss).kind === 'string'
  );
}

/**
 * Resolves a loss: Keras names (`'sparse_categorical_crossentropy'`, `'categorical_crossentropy'`,
 * `'binary_crossentropy'`, `'mean_squared_error'`, `'mse'`) with default options, a built-in loss, a loss
 * factory passed without calling it (`sparseCategoricalCrossentropy`), or a custom function. Names are
 * accepted in tfjs-layers' camelCase too (`'sparseCategoricalCrossentropy'`); an unknown name throws
 * `UNKNOWN_NAME` with a "did you mean" and the valid names.
 */
export function getLoss(loss: LossLike): LossFunction {
  if (typeof loss === 'string') {
    return LOSS_FACTORIES[resolveName('loss', loss, LOSS_NAMES, {}, 'or pass a loss function')]();
  }
  if (FACTORY_SET.has(loss)) return (loss as unknown as () => Loss)();
  if (typeof loss === 'function') return loss as LossFunction;
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `loss must be a loss name (${LOSS_NAMES.map((n) => `'${n}'`).join(', ')}) or a function (yTrue, yPred) => Scalar, got ${typeof loss}`,
  );
}
