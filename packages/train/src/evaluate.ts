import {
  type BatchSource,
  checkOptions,
  optionKeys,
  type RandomStream,
  type Scalar,
  SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { asSource, batchBounds, type DataLike, stepsPerEpoch } from './batching.js';
import type { Logs } from './callbacks.js';
import { type Compiled, resolveMetrics } from './compile-options.js';
import { DeviceAccumulator } from './device-accumulator.js';
import { checkBatchSize } from './fit-options.js';
import type { Metric } from './metrics.js';
import { checkData, ensureBuilt, pairedSources } from './prepare-data.js';
import { logsFrom, REG_KEY } from './step-logs.js';

/** Options of `Trainer.evaluate`. */
export interface EvaluateOptions {
  /** Samples per forward pass. Default 32. */
  readonly batchSize?: number;
}

const EVALUATE_KEYS = optionKeys<EvaluateOptions>()(['batchSize']);

/** Options of `Trainer.predict`. */
export interface PredictOptions {
  /** Samples per forward pass. Default 32. */
  readonly batchSize?: number;
}

const PREDICT_KEYS = optionKeys<PredictOptions>()(['batchSize']);

/**
 * A forward pass without gradients: the accumulator contributions `[totalLoss·n, penalty·n, Σ metric_1, …]`
 * (a new tensor, no read-back) and whether penalties exist; the same contributions as the train step's.
 */
export function evalStep(
  c: Compiled,
  xb: Tensor,
  yb: Tensor,
  metrics: readonly Metric[],
  training = false,
  rng?: RandomStream,
): [Tensor, boolean] {
  let hasPenalty = false;
  const contributions = tf.tidy(() => {
    const n = xb.shape[0]!;
    const losses: Scalar[] = [];
    const out = c.model.apply(xb, { training, rng, losses });
    const dataLoss = c.loss(yb, out);
    if (dataLoss.rank !== 0) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `the loss must return a scalar, got shape [${dataLoss.shape}]`,
      );
    }
    const terms = [...c.model.regularizationLosses(), ...losses];
    hasPenalty = terms.length > 0;
    const penalty = hasPenalty ? (terms.length === 1 ? terms[0]! : tf.addN(terms)) : tf.scalar(0);
    const parts = [tf.mul(tf.add(dataLoss, penalty), n), tf.mul(penalty, n)];
    for (const m of metrics) parts.push(tf.sum(m.perSample(yb, out)));
    return tf.stack(parts);
  });
  return [contributions, hasPenalty];
}

/** Loss and metrics over a whole source, with one read-back at the end. */
export async function evaluateSources(
  c: Compiled,
  x: BatchSource,
  y: BatchSource,
  batchSize: number,
  metrics: readonly Metric[],
): Promise<Logs> {
  const acc = new DeviceAccumulator(['loss', REG_KEY, ...metrics.map((m) => m.name)]);
  let hasPenalty = false;
  try {
    const steps = stepsPerEpoch(x.size, batchSize);
    const order = new Uint32Array(x.size);
    for (let i = 0; i < order.length; i++) order[i] = i;
    for (let s = 0; s < steps; s++) {
      const [start, end] = batchBounds(x.size, batchSize, s);
      const idx = order.subarray(start, end);
      const xb = x.batch(idx);
      const yb = y.batch(idx);
      try {
        const [contributions, p] = evalStep(c, xb, yb, metrics);
        hasPenalty ||= p;
        acc.add(contributions, end - start);
      } finally {
        xb.dispose();
        yb.dispose();
      }
    }
    return logsFrom(await acc.read(), hasPenalty);
  } finally {
    acc.dispose();
  }
}

/**
 * `Trainer.evaluate`: checks the options (then `usable`, which throws when the trainer or model is disposed),
 * the data, and evaluates it in inference mode.
 */
export async function evaluateData(
  c: Compiled,
  x: DataLike,
  y: DataLike,
  options: EvaluateOptions,
  usable: () => void,
): Promise<Logs> {
  checkOptions('evaluate', options, EVALUATE_KEYS);
  const { batchSize = 32 } = options;
  usable();
  checkBatchSize('batchSize', batchSize);
  const [xs, ys] = pairedSources('x', 'y', x, y);
  ensureBuilt(c.model, xs);
  const metrics = resolveMetrics(c, ys.shape);
  await checkData(c, '', x, y);
  return evaluateSources(c, xs, ys, batchSize, metrics);
}

/** `Trainer.predict`: the model's outputs for `x` in inference mode, `batchSize` samples at a time, concatenated. */
export function predictData(c: Compiled, x: DataLike, options: PredictOptions, usable: () => void): Tensor {
  checkOptions('predict', options, PREDICT_KEYS);
  const { batchSize = 32 } = options;
  usable();
  checkBatchSize('batchSize', batchSize);
  const xs = asSource('x', x);
  if (xs.size === 0)
    throw new SteadygradError('INVALID_ARGUMENT', 'x is empty: expected at least one sample');
  ensureBuilt(c.model, xs);
  const steps = stepsPerEpoch(xs.size, batchSize);
  const outputs: Tensor[] = [];
  try {
    for (let s = 0; s < steps; s++) {
      const [start, end] = batchBounds(xs.size, batchSize, s);
      const idx = new Int32Array(end - start);
      for (let i = 0; i < idx.length; i++) idx[i] = start + i;
      const xb = xs.batch(idx);
      try {
        outputs.push(c.model.apply(xb, { training: false }));
      } finally {
        xb.dispose();
      }
    }
    return outputs.length === 1 ? outputs.pop()! : tf.concat(outputs, 0);
  } finally {
    tf.dispose(outputs);
  }
}
