import { type BatchSource, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import type { DataLike } from './batching.js';
import type { LossKind } from './losses.js';

/** Host arrays whose element type cannot hold NaN or fractions (no scan needed for finiteness). */
function isIntegerArray(values: ArrayLike<number>): boolean {
  return (
    values instanceof Uint8Array ||
    values instanceof Uint8ClampedArray ||
    values instanceof Int8Array ||
    values instanceof Uint16Array ||
    values instanceof Int16Array ||
    values instanceof Uint32Array ||
    values instanceof Int32Array
  );
}

function isTensor(x: unknown): x is Tensor {
  return x instanceof tf.Tensor;
}

/** Statistics of one data input, from one device reduction or one host scan. */
interface ValueStats {
  readonly count: number;
  /** Samples holding at least one NaN or ±Inf. */
  readonly nonFinite: number;
  /** First sample holding a non-finite value (−1 if none). */
  readonly firstNonFiniteSample: number;
  readonly min: number;
  readonly max: number;
  readonly nonInteger: number;
  /** First sample holding a value outside the integers (−1 if none). */
  readonly firstNonIntegerSample: number;
}

async function tensorStats(t: Tensor, finiteOnly = false): Promise<ValueStats> {
  if (t.size === 0) return emptyStats();
  const packed = packStats(t, finiteOnly);
  const v = await packed.data();
  packed.dispose();
  return unpackStats(t, v);
}

/** {@link tensorStats} with a synchronous read-back (for `trainOnBatch`, which returns synchronously). */
function tensorStatsSync(t: Tensor): ValueStats {
  if (t.size === 0) return emptyStats();
  const packed = packStats(t, false);
  const v = packed.dataSync();
  packed.dispose();
  return unpackStats(t, v);
}

function emptyStats(): ValueStats {
  return {
    count: 0,
    nonFinite: 0,
    firstNonFiniteSample: -1,
    min: Number.NaN,
    max: Number.NaN,
    nonInteger: 0,
    firstNonIntegerSample: -1,
  };
}

function packStats(t: Tensor, finiteOnly: boolean): Tensor {
  const n = t.shape[0] ?? 1;
  return tf.tidy(() => {
    const flat = tf.reshape(tf.cast(t, 'float32'), [n, -1]);
    const finite = tf.isFinite(flat);
    const badSample = tf.cast(tf.logicalNot(tf.all(finite, 1)), 'float32');
    if (finiteOnly) {
      const zero = tf.scalar(0);
      return tf.stack([tf.sum(badSample), tf.cast(tf.argMax(badSample), 'float32'), zero, zero, zero, zero]);
    }
    const safe = tf.where(finite, flat, tf.zerosLike(flat));
    const fractional = tf.cast(tf.notEqual(safe, tf.floor(safe)), 'float32');
    const fracSample = tf.cast(tf.any(tf.cast(fractional, 'bool'), 1), 'float32');
    const big = tf.fill(flat.shape, Number.MAX_VALUE);
    return tf.stack([
      tf.sum(badSample),
      tf.cast(tf.argMax(badSample), 'float32'),
      tf.min(tf.where(finite, flat, big)),
      tf.max(tf.where(finite, flat, tf.neg(big))),
      tf.sum(fractional),
      tf.cast(tf.argMax(fracSample), 'float32'),
    ]);
  });
}

function unpackStats(t: Tensor, v: ArrayLike<number>): ValueStats {
  const nonFinite = v[0]!;
  const nonInteger = v[4]!;
  return {
    count: t.size,
    nonFinite,
    firstNonFiniteSample: nonFinite > 0 ? v[1]! : -1,
    min: v[2]!,
    max: v[3]!,
    nonInteger,
    firstNonIntegerSample: nonInteger > 0 ? v[5]! : -1,
  };
}

function hostStats(values: ArrayLike<number>, sampleSize: number): ValueStats {
  let nonFinite = 0;
  let firstNonFinite = -1;
  let lastBadSample = -1;
  let nonInteger = 0;
  let firstNonInteger = -1;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const integerTyped = isIntegerArray(values);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!integerTyped && !Number.isFinite(v)) {
      const sample = Math.floor(i / sampleSize);
      if (sample !== lastBadSample) nonFinite++;
      lastBadSample = sample;
      if (firstNonFinite < 0) firstNonFinite = sample;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    if (!integerTyped && v !== Math.floor(v)) {
      nonInteger++;
      if (firstNonInteger < 0) firstNonInteger = Math.floor(i / sampleSize);
    }
  }
  return {
    count: values.length,
    nonFinite,
    firstNonFiniteSample: firstNonFinite,
    min,
    max,
    nonInteger,
    firstNonIntegerSample: firstNonInteger,
  };
}

/**
 * Statistics of an input, computed once: a tensor by one reduction on the device and one small read-back;
 * a source with host `values` by one scan (integer typed arrays, like `uint8` pixels, need no finiteness
 * scan); `undefined` for a source without host values (nothing can be checked without taking batches).
 */
async function statsOf(data: DataLike | BatchSource, finiteOnly = false): Promise<ValueStats | undefined> {
  if (isTensor(data)) return tensorStats(data, finiteOnly);
  const values = (data as BatchSource).values;
  if (values === undefined) return undefined;
  const sampleSize = (data as BatchSource).shape.reduce((a, b) => a * b, 1);
  return hostStats(values, sampleSize);
}

function nonFiniteError(name: string, s: ValueStats): SteadygradError {
  return new SteadygradError(
    'NON_FINITE',
    `${name} contains NaN or infinite values in ${s.nonFinite} sample(s) (the first is sample ${s.firstNonFiniteSample}); expected finite numbers — clean or impute the data before training`,
    { details: { input: name, nonFinite: s.nonFinite, firstSample: s.firstNonFiniteSample } },
  );
}

/** Throws `NON_FINITE` (naming the input, the count and the first sample) if `data` holds NaN or ±Inf. */
export async function checkFiniteInput(name: string, data: DataLike): Promise<void> {
  if (!isTensor(data) && isIntegerArray((data as BatchSource).values ?? [])) return;
  const s = await statsOf(data, true);
  if (s !== undefined && s.nonFinite > 0) throw nonFiniteError(name, s);
}

/** What the label check needs to know about the model. */
export interface LabelExpectation {
  readonly kind: LossKind | undefined;
  /** The model's output shape (batch first), when known. */
  readonly outputShape: readonly (number | null)[] | undefined;
}

function sampleShapeOf(data: DataLike): readonly number[] {
  return isTensor(data) ? data.shape.slice(1) : (data as BatchSource).shape;
}

/**
 * Checks the targets once, up front, against the loss and the model's output:
 * - every kind: no NaN/Inf (`NON_FINITE`);
 * - sparse categorical: sample shape `[]` or `[1]`, integer values in `[0, K)` for `K` outputs
 *   (`OUT_OF_RANGE` naming the range found and the range expected);
 * - categorical: sample shape equal to the output's (`SHAPE_MISMATCH`);
 * - binary: values in `[0, 1]` (`OUT_OF_RANGE`).
 * Tensors cost one device reduction and one small read-back; sources with host `values` one scan; other
 * sources are not checked.
 */
export async function checkTargets(name: string, y: DataLike, expect: LabelExpectation): Promise<void> {
  checkTargetShape(name, y, expect);
  checkTargetStats(name, await statsOf(y), expect);
}

/**
 * {@link checkTargets} for one batch tensor, synchronously (one small read-back): `trainOnBatch` rejects
 * labels out of range before the step, as `fit` does for its whole data.
 */
export function checkTargetsSync(name: string, y: Tensor, expect: LabelExpectation): void {
  checkTargetShape(name, y, expect);
  checkTargetStats(name, tensorStatsSync(y), expect);
}

function checkTargetShape(name: string, y: DataLike, expect: LabelExpectation): void {
  const { kind, outputShape } = expect;
  const sampleShape = sampleShapeOf(y);
  const outSample = outputShape?.slice(1);
  if (kind === 'sparse_categorical') {
    if (!(sampleShape.length === 0 || (sampleShape.length === 1 && sampleShape[0] === 1))) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${name}: sparse categorical labels must be one integer class index per sample (sample shape [] or [1]), got sample shape [${sampleShape}]; for one-hot targets use 'categorical_crossentropy'`,
      );
    }
  }
  if (kind === 'categorical' && outSample !== undefined && outSample.every((d) => d !== null)) {
    if (!tf.util.arraysEqual([...sampleShape], outSample as number[])) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${name}: categorical targets must have the model's output shape per sample [${outSample}], got [${sampleShape}]; for integer class labels use 'sparse_categorical_crossentropy'`,
      );
    }
  }
}

function checkTargetStats(name: string, s: ValueStats | undefined, expect: LabelExpectation): void {
  const { kind, outputShape } = expect;
  const outSample = outputShape?.slice(1);
  const numClasses = outSample !== undefined ? outSample[outSample.length - 1] : undefined;
  if (s === undefined) return;
  if (s.nonFinite > 0) throw nonFiniteError(name, s);
  if (s.count === 0) return;
  if (kind === 'sparse_categorical') {
    if (s.nonInteger > 0) {
      throw new SteadygradError(
        'OUT_OF_RANGE',
        `${name}: sparse categorical labels must be integer class indices, found ${s.nonInteger} non-integer value(s) (first in sample ${s.firstNonIntegerSample})`,
      );
    }
    if (typeof numClasses === 'number' && (s.min < 0 || s.max >= numClasses)) {
      throw new SteadygradError(
        'OUT_OF_RANGE',
        `${name}: labels must be integers in [0, ${numClasses}) for a model with ${numClasses} outputs, got labels from ${s.min} to ${s.max}`,
        { details: { min: s.min, max: s.max, numClasses } },
      );
    }
  }
  if (kind === 'binary' && (s.min < 0 || s.max > 1)) {
    throw new SteadygradError(
      'OUT_OF_RANGE',
      `${name}: binary cross-entropy targets must lie in [0, 1], got values from ${s.min} to ${s.max}`,
      { details: { min: s.min, max: s.max } },
    );
  }
}
