import { checkNumber, type Tensor, tf, toBatchSource } from '@steadygrad/core';
import type { DataLike } from '@steadygrad/train';

/** Anything that maps a batch to outputs (a `Sequential`). */
export interface Applicable {
  /** The forward pass of a model or layer. */
  apply(x: Tensor, ctx?: { readonly training?: boolean }): Tensor;
}

/**
 * `model` applied in inference mode to all of `x`, `batchSize` samples at a time, concatenated (one new
 * tensor, owned by the caller). Nothing is read back to the host.
 */
export function predictInBatches(model: Applicable, x: DataLike, batchSize = 256): Tensor {
  checkNumber('batchSize', batchSize, { integer: true, min: 1 });
  const source = toBatchSource(x);
  const parts: Tensor[] = [];
  try {
    for (let start = 0; start < source.size; start += batchSize) {
      const end = Math.min(source.size, start + batchSize);
      const indices = Int32Array.from({ length: end - start }, (_, i) => start + i);
      parts.push(
        tf.tidy(() => {
          const batch = source.batch(indices);
          return model.apply(batch, { training: false });
        }),
      );
    }
    return parts.length === 1 ? (parts[0] as Tensor) : tf.concat(parts, 0);
  } finally {
    if (parts.length > 1) tf.dispose(parts);
  }
}
