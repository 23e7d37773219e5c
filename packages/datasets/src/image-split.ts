import { SteadygradError } from '@steadygrad/core';

/**
 * One split of an image classification dataset, kept compact on the host: `count` images of
 * `shape = [rows, cols]` uint8 pixels (row-major, image after image) and one uint8 label per image.
 * Nothing is converted to float until a batch is taken (see `imageSource`).
 */
export interface ImageSplit {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly shape: readonly [number, number];
}

/** Checks that `images` and `labels` describe the same number of `shape`-sized images. */
export function makeSplit(
  images: Uint8Array,
  labels: Uint8Array,
  shape: readonly [number, number],
): ImageSplit {
  const [rows, cols] = shape;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows <= 0 || cols <= 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `image shape must be two positive integers, got [${shape}]`,
    );
  }
  const pixels = rows * cols;
  if (images.length !== labels.length * pixels) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `images hold ${images.length} pixels, expected ${labels.length} labels × ${rows}×${cols} = ${labels.length * pixels}`,
    );
  }
  return { images, labels, count: labels.length, shape: [rows, cols] };
}

/**
 * The images at `indices` (in that order; repeats allowed), copied into new compact arrays.
 * Each index must be an integer in `[0, split.count)` (`OUT_OF_RANGE` otherwise).
 */
export function subset(split: ImageSplit, indices: ArrayLike<number>): ImageSplit {
  const [rows, cols] = split.shape;
  const pixels = rows * cols;
  const n = indices.length;
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= split.count) {
      throw new SteadygradError(
        'OUT_OF_RANGE',
        `subset index ${k} at position ${i} is not an integer in [0, ${split.count})`,
        { details: { index: k, position: i, count: split.count } },
      );
    }
  }
  const images = new Uint8Array(n * pixels);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    images.set(split.images.subarray(k * pixels, (k + 1) * pixels), i * pixels);
    labels[i] = split.labels[k]!;
  }
  return { images, labels, count: n, shape: [rows, cols] };
}

/** Images `[start, end)` as views into the same arrays (no copy). */
export function sliceSplit(split: ImageSplit, start: number, end: number): ImageSplit {
  const [rows, cols] = split.shape;
  const pixels = rows * cols;
  const lo = Math.max(0, Math.min(start, split.count));
  const hi = Math.max(lo, Math.min(end, split.count));
  return {
    images: split.images.subarray(lo * pixels, hi * pixels),
    labels: split.labels.subarray(lo, hi),
    count: hi - lo,
    shape: [rows, cols],
  };
}

/** Number of images of each class `0..numClasses-1`; throws `OUT_OF_RANGE` for a label outside. */
export function classCounts(split: ImageSplit, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < split.count; i++) {
    const y = split.labels[i]!;
    if (y >= numClasses) {
      throw new SteadygradError('OUT_OF_RANGE', `label ${y} at index ${i} is outside [0, ${numClasses})`);
    }
    counts[y]! += 1;
  }
  return counts;
}
