import { SteadygradError, type Tensor, tf } from '@steadygrad/core';
import type { BatchLogs } from './callbacks.js';

/**
 * Running sums of several quantities kept on the device: one float32 vector `[k]` (one entry per key) to
 * which every step adds its contribution without reading anything back. `read()` divides by the number of
 * samples seen, so each key becomes a per-sample mean: the loss entry receives `batchLoss · batchSize`
 * (Keras 3 weights each batch's mean loss by its size), a metric entry the sum of its per-sample values.
 *
 * Summation order is fixed (one add per step, in step order), so results are reproducible bit for bit on a
 * deterministic backend.
 */
export class DeviceAccumulator {
  readonly keys: readonly string[];
  private sums: Tensor | undefined;
  private _count = 0;
  private version = 0;

  constructor(keys: readonly string[]) {
    this.keys = [...keys];
  }

  /** Samples added so far. */
  get count(): number {
    return this._count;
  }

  /**
   * Adds a step's contributions `values` (shape `[k]`, float32; this accumulator takes ownership and
   * disposes it) for `samples` samples.
   */
  add(values: Tensor, samples: number): void {
    if (values.shape.length !== 1 || values.shape[0] !== this.keys.length) {
      values.dispose();
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `accumulator expects [${this.keys.length}] values (${this.keys.join(', ')}), got [${values.shape}]`,
      );
    }
    if (this.sums === undefined) {
      this.sums = values;
    } else {
      const old = this.sums;
      this.sums = tf.add(old, values);
      old.dispose();
      values.dispose();
    }
    this._count += samples;
    this.version++;
  }

  /** Means per key, with one read-back (`{}` values are NaN before the first `add`). */
  async read(): Promise<Record<string, number>> {
    const sums = this.sums === undefined ? undefined : await this.sums.data();
    return this.toMeans(sums, this._count);
  }

  /** Same as {@link read}, synchronously (blocks until the device is done). */
  readSync(): Record<string, number> {
    return this.toMeans(this.sums?.dataSync(), this._count);
  }

  /**
   * Batch logs for the state after the current step: `batch` and `size` as plain numbers and one lazy
   * getter per key that reads all keys with a single `dataSync` on first access. Valid until the next
   * {@link add} or {@link reset}; later reads throw. `keys` restricts the keys shown (default all).
   */
  batchLogs(batch: number, size: number, keys: readonly string[] = this.keys): BatchLogs {
    const version = this.version;
    const count = this._count;
    let cache: Record<string, number> | undefined;
    const logs: Record<string, number> = {};
    Object.defineProperty(logs, 'batch', { value: batch, enumerable: true });
    Object.defineProperty(logs, 'size', { value: size, enumerable: true });
    const read = (key: string): number => {
      if (cache === undefined) {
        if (this.version !== version || this.sums === undefined) {
          throw new SteadygradError(
            'INVALID_ARGUMENT',
            `batch logs of batch ${batch} were read after the next step started; copy what you need inside onBatchEnd (e.g. const loss = logs.loss)`,
          );
        }
        cache = this.toMeans(this.sums.dataSync(), count);
      }
      return cache[key]!;
    };
    for (const key of keys) {
      Object.defineProperty(logs, key, { get: () => read(key), enumerable: true });
    }
    return logs as BatchLogs;
  }

  /** Clears the sums (frees the device vector). */
  reset(): void {
    this.sums?.dispose();
    this.sums = undefined;
    this._count = 0;
    this.version++;
  }

  /** Frees the device sums. */
  dispose(): void {
    this.reset();
  }

  private toMeans(sums: ArrayLike<number> | undefined, count: number): Record<string, number> {
    const out: Record<string, number> = {};
    this.keys.forEach((key, i) => {
      out[key] = sums === undefined || count === 0 ? Number.NaN : sums[i]! / count;
    });
    return out;
  }
}
