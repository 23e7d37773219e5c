import type { WarnFunction } from '@steadygrad/activations';
import {
  type BatchSource,
  checkNumber,
  checkOptions,
  optionKeys,
  type SeedLike,
  SteadygradError,
  type Tensor,
  tf,
  toBatchSource,
  toStream,
} from '@steadygrad/core';
import type { CallContext, Layer } from '@steadygrad/nn';
import { checkDropoutPairings } from './check-dropout-pairings.js';

/**
 * What {@link mcPredict} runs: a `Sequential`, or anything with its layer list and its `apply(x, ctx)`,
 * which passes the whole call context (`training`, `rng`, `mcDropout`) to every layer and builds the model
 * lazily on its first call.
 */
export interface McModel {
  readonly layers: readonly Layer[];
  /** The forward pass; `mcPredict` calls it with `training: true` only for the dropout layers. */
  apply(x: Tensor, ctx?: Partial<CallContext>): Tensor;
}

/** Options of {@link mcPredict}. */
export interface McPredictOptions {
  /** Number of stochastic forward passes per input (default 100, as seed cell 38). */
  readonly samples?: number;
  /** Inputs per forward pass (default 256). Memory is O(batchSize), independent of `samples`. */
  readonly batchSize?: number;
  /** Seed or stream of the dropout masks (default 0): the same seed and batch size give the same result. */
  readonly seed?: SeedLike;
  /** Where the SELU + plain dropout warning goes (default `console.warn`). */
  readonly warn?: WarnFunction;
}

const KEYS = optionKeys<McPredictOptions>()(['samples', 'batchSize', 'seed', 'warn']);

/** The result of {@link mcPredict}; the caller disposes the three tensors. */
export interface McPrediction {
  /** Mean of the predicted probabilities over the samples, `[n, ...outputShape]`. */
  readonly mean: Tensor;
  /** Their standard deviation over the samples (population, as NumPy's default `std`), same shape. */
  readonly std: Tensor;
  /**
   * Predictive entropy of the mean probabilities per input, `[n]`, in nats: `−Σ_k p̄_k·log p̄_k` over
   * the last axis (0·log 0 = 0); for a single sigmoid output `−p̄·log p̄ − (1 − p̄)·log(1 − p̄)`.
   */
  readonly entropy: Tensor;
}

const DEFAULT_BATCH_SIZE = 256;

function entropyOf(p: Tensor): Tensor {
  return tf.tidy(() => {
    const plogp = (q: Tensor) => tf.mul(q, tf.log(tf.maximum(q, 1e-30)));
    const last = p.shape[p.shape.length - 1];
    if (last === 1) {
      const q = tf.squeeze(p, [-1]);
      return tf.neg(tf.add(plogp(q), plogp(tf.sub(1, q))));
    }
    return tf.neg(tf.sum(plogp(p), -1));
  });
}

/**
 * Monte Carlo dropout (Gal & Ghahramani, 2016; seed cell 38): runs the model `samples` times on each
 * input with its dropout-like layers active and averages the predicted probabilities:
 *
 *   p̄ = (1/N)·Σᵢ fᵢ(x),   std = √((1/N)·Σᵢ (fᵢ(x) − p̄)²),   H = −Σ_k p̄_k·log p̄_k
 *
 * where `fᵢ` is the model with the i-th dropout mask (the seed writes `Σ f(x)`, dropping the index).
 *
 * Unlike the seed's `model(X, training=True)` — which in Keras, and in tfjs-layers' workaround, also puts
 * batch normalization into training mode (batch statistics, and moving statistics updated when called in
 * fit-like code) — every layer runs with `training: false`, and only this package's noise layers are
 * switched on, by the context flag `mcDropout: true` of nn's `CallContext`: each pass is
 * `model.apply(x, { training: false, rng, mcDropout: true })`, and `Sequential` hands that context to every
 * layer unchanged. So batch normalization uses and keeps its moving statistics, bit for bit.
 *
 * Mean and variance are accumulated with Welford's update (`δ = f − p̄; p̄ += δ/i; M₂ += δ·(f − p̄)`), so
 * memory is one batch's worth of tensors whatever `samples` is; nothing is read back to the host. The
 * model's output is taken to be probabilities (softmax or sigmoid last layer). The SELU + plain dropout
 * pairing is checked once ({@link checkDropoutPairings}).
 */
export function mcPredict(
  model: McModel,
  x: Tensor | BatchSource,
  options: McPredictOptions = {},
): McPrediction {
  checkOptions('mcPredict', options, KEYS);
  const { samples = 100, batchSize = DEFAULT_BATCH_SIZE, seed = 0, warn } = options;
  checkNumber('mcPredict samples', samples, { min: 1, integer: true });
  checkNumber('mcPredict batchSize', batchSize, { min: 1, integer: true });
  if (
    model === null ||
    typeof model !== 'object' ||
    !Array.isArray(model.layers) ||
    typeof model.apply !== 'function' ||
    model.layers.length === 0
  ) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      'mcPredict expects a model with at least one layer and an apply(x, ctx) method (a Sequential)',
    );
  }
  const source = toBatchSource(x);
  if (source.size === 0) {
    throw new SteadygradError('INVALID_ARGUMENT', 'mcPredict needs at least one input, got an empty batch');
  }
  checkDropoutPairings(model, warn === undefined ? {} : { warn });
  const rng = toStream(seed);
  const ctx: CallContext = { training: false, rng, mcDropout: true };

  const means: Tensor[] = [];
  const stds: Tensor[] = [];
  try {
    for (let start = 0; start < source.size; start += batchSize) {
      const end = Math.min(start + batchSize, source.size);
      const indices = Array.from({ length: end - start }, (_, i) => start + i);
      const xb = source.batch(indices);
      let mean: Tensor | undefined;
      let m2: Tensor | undefined;
      try {
        mean = model.apply(xb, ctx);
        m2 = tf.zerosLike(mean);
        for (let i = 2; i <= samples; i++) {
          const f = model.apply(xb, ctx);
          const prevMean: Tensor = mean;
          const prevM2: Tensor = m2;
          const [nextMean, nextM2] = tf.tidy(() => {
            const delta = tf.sub(f, prevMean);
            const m = tf.add(prevMean, tf.div(delta, i));
            return [m, tf.add(prevM2, tf.mul(delta, tf.sub(f, m)))];
          }) as [Tensor, Tensor];
          f.dispose();
          prevMean.dispose();
          prevM2.dispose();
          mean = nextMean;
          m2 = nextM2;
        }
        const finalM2: Tensor = m2;
        stds.push(tf.tidy(() => tf.sqrt(tf.relu(tf.div(finalM2, samples)))));
        means.push(mean);
        mean = undefined;
      } finally {
        xb.dispose();
        mean?.dispose();
        m2?.dispose();
      }
    }
    const mean = means.length === 1 ? (means[0] as Tensor) : tf.concat(means, 0);
    const std = stds.length === 1 ? (stds[0] as Tensor) : tf.concat(stds, 0);
    if (means.length > 1) {
      for (const t of [...means, ...stds]) t.dispose();
    }
    return { mean, std, entropy: entropyOf(mean) };
  } catch (e) {
    for (const t of [...means, ...stds]) if (!t.isDisposed) t.dispose();
    throw e;
  }
}
