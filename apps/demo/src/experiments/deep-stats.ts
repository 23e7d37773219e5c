import { getActivation } from '@steadygrad/activations';
import { type BatchSource, type Initializer, RandomStream, tf } from '@steadygrad/core';
import type { ImageSplit } from '@steadygrad/datasets';
import { getInitializer, randomNormal } from '@steadygrad/initializers';
import { Dense, Sequential } from '@steadygrad/nn';
import { probeLayers, sparseCategoricalCrossentropy } from '@steadygrad/train';
import { experimentData } from '../data.js';
import type { Experiment, ExperimentContext } from '../experiment.js';
import { describeProfile, limitOf, type ProfileFields, resolveProfile } from '../profile.js';

/** Per-pixel mean and standard deviation of a split's images, in [0, 1] pixel units. */
export interface PixelStats {
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

/**
 * Géron's standardization (`pixel_means = X_train.mean(axis=0)`, `pixel_stds = X_train.std(axis=0)`, with
 * `X = pixels / 255`): the mean and population std of every pixel over the split. A pixel that never varies
 * gets std 1 (it then standardizes to 0 instead of dividing by zero).
 */
export function pixelStats(split: ImageSplit): PixelStats {
  const size = split.shape[0] * split.shape[1];
  const sum = new Float64Array(size);
  const sq = new Float64Array(size);
  const { images, count } = split;
  for (let i = 0; i < count; i++) {
    const base = i * size;
    for (let j = 0; j < size; j++) {
      const v = images[base + j]! / 255;
      sum[j]! += v;
      sq[j]! += v * v;
    }
  }
  const mean = new Float32Array(size);
  const std = new Float32Array(size);
  for (let j = 0; j < size; j++) {
    const m = sum[j]! / count;
    const variance = Math.max(0, sq[j]! / count - m * m);
    mean[j] = m;
    std[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
  }
  return { mean, std };
}

/**
 * The images of a split as flat, per-pixel standardized samples `x = (pixel/255 − mean) / std` of shape
 * `[784]` (standardized with `stats`, normally those of the training split). Pixels stay uint8 on the host.
 */
export function standardizedImages(split: ImageSplit, stats: PixelStats): BatchSource {
  const size = split.shape[0] * split.shape[1];
  const scale = new Float32Array(size);
  const offset = new Float32Array(size);
  for (let j = 0; j < size; j++) {
    scale[j] = 1 / 255 / stats.std[j]!;
    offset[j] = -stats.mean[j]! / stats.std[j]!;
  }
  return {
    size: split.count,
    shape: [size],
    dtype: 'float32',
    batch(indices: ArrayLike<number>) {
      const n = indices.length;
      const out = new Float32Array(n * size);
      for (let i = 0; i < n; i++) {
        const base = indices[i]! * size;
        const dst = i * size;
        for (let j = 0; j < size; j++) out[dst + j] = split.images[base + j]! * scale[j]! + offset[j]!;
      }
      return tf.tensor2d(out, [n, size]);
    },
  };
}

/** One (activation, initializer) pair of the experiment. */
export interface DeepStatsPairSpec {
  readonly activation: string;
  /** Label of the initializer in the output. */
  readonly initializer: string;
  readonly make: () => Initializer;
}

/** The pairs of issue 3: two classic failures (sigmoid and ReLU with N(0, 1)) and three matched pairs. */
export const DEEP_STATS_PAIRS: readonly DeepStatsPairSpec[] = [
  { activation: 'sigmoid', initializer: 'random_normal(stddev=1)', make: () => randomNormal({ stddev: 1 }) },
  { activation: 'tanh', initializer: 'glorot_uniform', make: () => getInitializer('glorot_uniform') },
  { activation: 'relu', initializer: 'he_normal', make: () => getInitializer('he_normal') },
  { activation: 'selu', initializer: 'lecun_normal', make: () => getInitializer('lecun_normal') },
  { activation: 'relu', initializer: 'random_normal(stddev=1)', make: () => randomNormal({ stddev: 1 }) },
];

export interface DeepStatsPair {
  readonly activation: string;
  readonly initializer: string;
  /** Population std of each hidden layer's output on the probe batch, input side first. */
  readonly activationStd: number[];
  /** Mean of each hidden layer's output. */
  readonly activationMean: number[];
  /** ‖∂L/∂(kernel, bias)‖₂ of each hidden layer, input side first. */
  readonly gradientNorm: number[];
  /** Dead-unit fraction (relu) or saturated-output fraction (sigmoid, tanh) per hidden layer; NaN → null for selu. */
  readonly inactiveFraction: number[];
  /** Cross-entropy of the 10-unit head on the probe batch. */
  readonly loss: number;
}

/** The settings of the `deep-stats` experiment (values in {@link DEEP_STATS_PROFILES}). */
export type DeepStatsSettings = {
  /** Hidden Dense layers. */
  readonly depth: number;
  /** Units per hidden layer. */
  readonly units: number;
  /** Images in the probe batch. */
  readonly batchSize: number;
  /** First N training images (`'none'`: all 60,000). */
  readonly limit: number | 'none';
};

/**
 * The notebook profile is the chapter's 100-layer deep net (Géron's deep-network section), 100 units per
 * layer, probed on one batch of 256 standardized training images; it trains nothing and takes seconds, so
 * the quick profile is the same.
 */
export const DEEP_STATS_PROFILES: {
  readonly notebook: DeepStatsSettings;
  readonly quick: Partial<DeepStatsSettings>;
} = { notebook: { depth: 100, units: 100, batchSize: 256, limit: 'none' }, quick: {} };

export interface DeepStatsResult extends ProfileFields {
  readonly settings: DeepStatsSettings;
  readonly experiment: 'deep-stats';
  readonly backend: string;
  readonly depth: number;
  readonly units: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly loss: string;
  readonly pairs: DeepStatsPair[];
}

export interface DeepStatsOptions {
  /** Hidden Dense layers. Default 100. */
  readonly depth?: number;
  /** Units per hidden layer. Default 100. */
  readonly units?: number;
  /** The pairs to profile. Default {@link DEEP_STATS_PAIRS}. */
  readonly pairs?: readonly DeepStatsPairSpec[];
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * A one-line sparkline of positive values on a log scale from `lo` to `hi`: `▁` … `█`; `×` marks a value that
 * is not finite (overflow) and `·` one that is 0 (underflow: nothing to take a log of).
 */
export function sparkline(values: readonly number[], lo: number, hi: number): string {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  return values
    .map((v) => {
      if (!Number.isFinite(v)) return '×';
      if (v <= 0) return '·';
      const t = b > a ? (Math.log10(v) - a) / (b - a) : 0.5;
      return BLOCKS[Math.min(7, Math.max(0, Math.round(t * 7)))];
    })
    .join('');
}

function range(rows: readonly (readonly number[])[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const row of rows) {
    for (const v of row) {
      if (Number.isFinite(v) && v > 0) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
  }
  return lo <= hi ? [lo, hi] : [1, 1];
}

function extremes(row: readonly number[]): string {
  const finite = row.filter((v) => Number.isFinite(v) && v > 0);
  const bad = row.length - finite.length;
  if (finite.length === 0) return `no finite positive value (${bad} non-finite or 0)`;
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const first = row[0]!;
  const last = row[row.length - 1]!;
  const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(1) : String(v));
  return `first ${fmt(first)} last ${fmt(last)} min ${fmt(lo)} max ${fmt(hi)}${bad > 0 ? ` (${bad} non-finite/0)` : ''}`;
}

/**
 * Vanishing and exploding signals in a deep MLP, forward and backward, before any training: for each
 * (activation, initializer) pair, `depth` Dense layers of `units` units (bias 0) followed by a linear
 * 10-unit head with the same initializer, on one batch of per-pixel standardized Fashion-MNIST training
 * images (`--batch-size`, default 256, drawn with `--seed`). Measured with `probeLayers` from
 * `@steadygrad/train` (one device read per pair): the std of every hidden layer's output, and the gradient
 * norm of every hidden layer's kernel and bias for the **sparse categorical cross-entropy of the head's
 * logits** on the batch's true labels. Each pair's network is built from the same `--seed`.
 */
export async function runDeepStats(
  ctx: ExperimentContext,
  options: DeepStatsOptions = {},
): Promise<DeepStatsResult> {
  const { pairs: specs = DEEP_STATS_PAIRS } = options;
  const p = resolveProfile(ctx.profile, DEEP_STATS_PROFILES, {
    batchSize: ctx.batchSize,
    limit: ctx.limit,
    depth: options.depth,
    units: options.units,
  });
  const { depth, units, batchSize } = p.settings;
  ctx.log(describeProfile(p));
  const data = await experimentData(ctx, limitOf(p.settings.limit));
  const stats = pixelStats(data.train);
  const source = standardizedImages(data.train, stats);
  const n = Math.min(batchSize, data.train.count);
  const order = new RandomStream(ctx.seed).permutation(data.train.count).subarray(0, n);
  const labels = Int32Array.from(order, (i) => data.train.labels[i]!);
  const x = source.batch(order);
  const y = tf.tensor1d(labels, 'int32');
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const pairs: DeepStatsPair[] = [];
  try {
    for (const spec of specs) {
      const activation = getActivation(spec.activation);
      const model = new Sequential([], { seed: ctx.seed });
      for (let i = 0; i < depth; i++) {
        model.add(
          new Dense({
            units,
            activation,
            kernelInitializer: spec.make(),
            ...(i === 0 ? { inputShape: [source.shape[0]!] } : {}),
          }),
        );
      }
      model.add(new Dense({ units: 10, kernelInitializer: spec.make() }));
      try {
        const probe = await probeLayers(model.layers, x, y, { loss });
        const hidden = probe.layers.slice(0, depth);
        pairs.push({
          activation: spec.activation,
          initializer: spec.initializer,
          activationStd: hidden.map((l) => l.activationStd),
          activationMean: hidden.map((l) => l.activationMean),
          gradientNorm: hidden.map((l) => l.gradientNorm),
          inactiveFraction: hidden.map((l) =>
            l.activityKind === 'dead' ? l.deadFraction : l.saturatedFraction,
          ),
          loss: probe.loss,
        });
      } finally {
        model.dispose();
      }
    }
  } finally {
    tf.dispose([x, y]);
  }

  const label = (p: DeepStatsPair) => `${p.activation} + ${p.initializer}`.padEnd(32);
  const report = (title: string, key: 'activationStd' | 'gradientNorm') => {
    const [lo, hi] = range(pairs.map((p) => p[key]));
    ctx.log(
      `${title} per layer (layer 1 → ${depth}), log scale ▁ = ${lo.toExponential(1)} … █ = ${hi.toExponential(1)}:`,
    );
    for (const p of pairs) ctx.log(`  ${label(p)} ${sparkline(p[key], lo, hi)}  ${extremes(p[key])}`);
  };
  ctx.log(`${depth} Dense layers × ${units} units, ${n} standardized images, loss: head cross-entropy`);
  report('activation std', 'activationStd');
  report('gradient norm', 'gradientNorm');
  ctx.log('× = overflow (Inf/NaN), · = exactly 0');
  for (const p of pairs) {
    const judged = p.inactiveFraction.filter((v) => !Number.isNaN(v));
    if (judged.length === 0) continue;
    const mean = judged.reduce((s, v) => s + v, 0) / judged.length;
    const what = p.activation === 'relu' ? 'dead units' : 'saturated outputs';
    ctx.log(`  ${label(p)} ${(100 * mean).toFixed(1)}% ${what} on average over the layers`);
  }
  return {
    profile: p.profile,
    notebookDifferences: p.notebookDifferences,
    settings: p.settings,
    experiment: 'deep-stats',
    backend: ctx.backend,
    depth,
    units,
    batchSize: n,
    seed: ctx.seed,
    loss: 'sparse categorical cross-entropy of a linear 10-unit head (from logits), true labels',
    pairs,
  };
}

/** `pnpm demo deep-stats`: per-layer activation std and gradient norm for five (activation, initializer) pairs. */
export const deepStats: Experiment<DeepStatsResult> = {
  name: 'deep-stats',
  description:
    'issue 3: activation std and gradient norm through 100 Dense layers for sigmoid+N(0,1), tanh+Glorot, ReLU+He, SELU+LeCun, ReLU+N(0,1)',
  run: (ctx) => runDeepStats(ctx),
};
