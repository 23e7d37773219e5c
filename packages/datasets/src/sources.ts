import {
  arraySource,
  type BatchSource,
  checkNumber,
  checkOneOf,
  checkOptions,
  optionKeys,
} from '@steadygrad/core';
import type { ImageSplit } from './image-split.js';

/** Options of `imageSource`: how uint8 pixels are scaled when a batch is taken. */
export interface ImageSourceOptions {
  /** Multiplier applied to each uint8 pixel when a batch is taken. Default `1 / 255` (pixels in [0, 1]). */
  readonly scale?: number;
  /** Added after scaling. Default `0`. */
  readonly offset?: number;
  /** Samples of shape `[rows·cols]` instead of `[rows, cols]`. Default `false` (Keras `Flatten` does it in the model). */
  readonly flatten?: boolean;
}

const IMAGE_KEYS = optionKeys<ImageSourceOptions>()(['scale', 'offset', 'flatten']);

/**
 * The images of a split as a core `BatchSource`: pixels stay uint8 on the host and a batch is converted to
 * float32 as `x = pixel · scale + offset` only when it is taken. Default `scale = 1/255`, `offset = 0`,
 * i.e. Géron's `X / 255.`.
 */
export function imageSource(split: ImageSplit, options: ImageSourceOptions = {}): BatchSource {
  checkOptions('imageSource', options, IMAGE_KEYS);
  const { scale = 1 / 255, offset = 0, flatten = false } = options;
  checkNumber('scale', scale);
  checkNumber('offset', offset);
  const [rows, cols] = split.shape;
  return arraySource(split.images, flatten ? [rows * cols] : [rows, cols], {
    scale,
    offset,
    dtype: 'float32',
  });
}

/** Options of `labelSource`: the dtype and sample shape of the label batches. */
export interface LabelSourceOptions {
  /** `'int32'` (default; sparse categorical losses) or `'float32'` (binary cross-entropy targets). */
  readonly dtype?: 'int32' | 'float32';
  /** Samples of shape `[1]` instead of `[]` (a column, to match a `Dense(1)` output). Default `false`. */
  readonly expandDims?: boolean;
}

const LABEL_KEYS = optionKeys<LabelSourceOptions>()(['dtype', 'expandDims']);

/** The labels of a split as a core `BatchSource` (`int32` by default), one scalar per sample. */
export function labelSource(split: ImageSplit, options: LabelSourceOptions = {}): BatchSource {
  checkOptions('labelSource', options, LABEL_KEYS);
  const { dtype = 'int32', expandDims = false } = options;
  checkOneOf('dtype', dtype, ['int32', 'float32'] as const);
  return arraySource(split.labels, expandDims ? [1] : [], { dtype });
}

/** `{ x: imageSource(split, images), y: labelSource(split, labels) }`. */
export function toSources(
  split: ImageSplit,
  options: { readonly images?: ImageSourceOptions; readonly labels?: LabelSourceOptions } = {},
): { x: BatchSource; y: BatchSource } {
  const { images = {}, labels = {} } = options;
  return { x: imageSource(split, images), y: labelSource(split, labels) };
}
