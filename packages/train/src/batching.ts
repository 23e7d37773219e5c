import {
  type BatchSource,
  checkNumber,
  RandomStream,
  SteadygradError,
  type Tensor,
  tf,
  toBatchSource,
} from '@steadygrad/core';

/** A tensor or a core `BatchSource` (images stay in their compact form until a batch is taken). */
export type DataLike = Tensor | BatchSource;

/** A view of samples `[start, end)` of a source (no copy). */
export function sliceSource(source: BatchSource, start: number, end: number): BatchSource {
  if (
    !(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= source.size)
  ) {
    throw new SteadygradError('OUT_OF_RANGE', `slice [${start}, ${end}) is outside [0, ${source.size}]`);
  }
  if (start === 0 && end === source.size) return source;
  const size = end - start;
  const view: BatchSource = {
    size,
    shape: source.shape,
    dtype: source.dtype,
    batch(indices: ArrayLike<number>): Tensor {
      const shifted = new Int32Array(indices.length);
      for (let i = 0; i < indices.length; i++) {
        const j = indices[i]!;
        if (!(j >= 0 && j < size))
          throw new SteadygradError('OUT_OF_RANGE', `sample index ${j} is outside [0, ${size})`);
        shifted[i] = j + start;
      }
      return source.batch(shifted);
    },
  };
  const values = source.values;
  if (values !== undefined) {
    const sampleSize = source.shape.reduce((a, b) => a * b, 1);
    const sub =
      ArrayBuffer.isView(values) && 'subarray' in values
        ? (values as unknown as Float32Array).subarray(start * sampleSize, end * sampleSize)
        : Array.prototype.slice.call(values, start * sampleSize, end * sampleSize);
    return { ...view, values: sub };
  }
  return view;
}

/**
 * Splits off the **last** `fraction` of the samples for validation, before any shuffling, as Keras does:
 * the training part is `[0, ceil(n·(1 − fraction)))`, the validation part the rest.
 */
export function splitLast(
  x: BatchSource,
  y: BatchSource,
  fraction: number,
): { train: [BatchSource, BatchSource]; validation: [BatchSource, BatchSource] } {
  checkNumber('validationSplit', fraction, { above: 0, below: 1 });
  const n = x.size;
  const splitAt = Math.ceil(n * (1 - fraction));
  if (splitAt <= 0 || splitAt >= n) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `validationSplit ${fraction} of ${n} samples leaves ${splitAt} for training and ${n - splitAt} for validation; both parts need at least one sample`,
    );
  }
  return {
    train: [sliceSource(x, 0, splitAt), sliceSource(y, 0, splitAt)],
    validation: [sliceSource(x, splitAt, n), sliceSource(y, splitAt, n)],
  };
}

/**
 * The order in which an epoch visits the samples: a seeded permutation (Fisher–Yates on the given stream)
 * when shuffling, `0..n−1` otherwise.
 */
export function epochOrder(n: number, shuffle: boolean, rng: RandomStream): Uint32Array {
  if (shuffle) return rng.permutation(n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** Number of batches of at most `batchSize` samples covering `n` samples (the last one may be smaller). */
export function stepsPerEpoch(n: number, batchSize: number): number {
  return Math.ceil(n / batchSize);
}

/** The batch `step` of an epoch: `[start, end)` positions into the epoch's order. */
export function batchBounds(n: number, batchSize: number, step: number): [number, number] {
  const start = step * batchSize;
  return [start, Math.min(n, start + batchSize)];
}

/**
 * Per-epoch random streams derived from `(seed, epoch)` alone, so that epoch `e` shuffles and draws dropout
 * masks identically whether the run started at epoch 0 or resumed at `initialEpoch = e`: the root stream
 * `RandomStream(seed)` yields one seed per epoch, from which the epoch's shuffle stream and its layer stream
 * (dropout, noise) are forked.
 */
export function epochStreams(seed: number, epoch: number): { shuffle: RandomStream; layers: RandomStream } {
  const root = new RandomStream(seed);
  let epochSeed = 0;
  for (let e = 0; e <= epoch; e++) epochSeed = root.nextSeed();
  const epochRoot = new RandomStream(epochSeed);
  return { shuffle: epochRoot.fork(), layers: epochRoot.fork() };
}

/** Accepts a tensor or a source; names the argument in errors. */
export function asSource(name: string, data: unknown): BatchSource {
  if (data instanceof tf.Tensor || (typeof data === 'object' && data !== null && 'batch' in data)) {
    const source = toBatchSource(data as DataLike);
    if (source.shape === undefined || !Number.isInteger(source.size)) {
      throw new SteadygradError('INVALID_ARGUMENT', `${name} must be a tensor or a BatchSource`);
    }
    return source;
  }
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `${name} must be a tensor or a BatchSource (arraySource, tensorSource), got ${data === null ? 'null' : typeof data}`,
  );
}
