import { checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';
import { CLASS_NAMES, FASHION_MNIST_FILES, type FashionMnistFileRole } from './fashion-mnist-files.js';
import type { ImageSplit } from './image-split.js';
import type { IdxArray } from './parse-idx.js';

/** Fashion-MNIST in memory: uint8 pixels and labels for both splits, plus the class names. */
export interface FashionMnist {
  readonly train: ImageSplit;
  readonly test: ImageSplit;
  readonly classNames: readonly string[];
}

/** Options of `fashionMnistFromIdx`: the names used in error messages and the expected image size. */
export interface FashionMnistFromIdxOptions {
  /** How each file is called in error messages (defaults to the official file names). */
  readonly names?: Partial<Record<FashionMnistFileRole, string>>;
  /** Expected image size. Default `[28, 28]`. */
  readonly imageShape?: readonly [number, number];
}

function toSplit(
  images: IdxArray,
  labels: IdxArray,
  imagesName: string,
  labelsName: string,
  [rows, cols]: readonly [number, number],
): ImageSplit {
  const [n, r, c] = images.dims;
  if (images.dims.length !== 3 || r !== rows || c !== cols) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${imagesName}: expected images of dims [count, ${rows}, ${cols}], got [${images.dims.join(', ')}]`,
      { details: { name: imagesName, dims: images.dims } },
    );
  }
  if (labels.dims.length !== 1) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${labelsName}: expected labels of dims [count], got [${labels.dims.join(', ')}]`,
      { details: { name: labelsName, dims: labels.dims } },
    );
  }
  const count = labels.dims[0]!;
  if (n !== count) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${imagesName} holds ${n} images but ${labelsName} holds ${count} labels; expected one label per image`,
      { details: { images: n, labels: count } },
    );
  }
  const numClasses = CLASS_NAMES.length;
  const y = labels.data;
  for (let i = 0; i < count; i++) {
    if (y[i]! >= numClasses) {
      throw new SteadygradError(
        'CORRUPT_DATA',
        `${labelsName}: label ${y[i]} at index ${i} is outside [0, ${numClasses})`,
        { details: { name: labelsName, index: i, label: y[i] } },
      );
    }
  }
  return { images: images.data, labels: y, count, shape: [rows, cols] };
}

const FROM_IDX_KEYS = optionKeys<FashionMnistFromIdxOptions>()(['names', 'imageShape']);

/**
 * Assembles Fashion-MNIST from the four parsed IDX files, checking image dims (`[n, 28, 28]`), label dims
 * (`[n]`), that each split has one label per image, and that every label is in `[0, 10)`.
 * Pure: usable in a browser on files it fetched and parsed with `parseIdx`.
 */
export function fashionMnistFromIdx(
  files: Readonly<Record<FashionMnistFileRole, IdxArray>>,
  options: FashionMnistFromIdxOptions = {},
): FashionMnist {
  checkOptions('fashionMnistFromIdx', options, FROM_IDX_KEYS);
  const { names = {}, imageShape = [28, 28] } = options;
  const name = (role: FashionMnistFileRole) => names[role] ?? FASHION_MNIST_FILES[role];
  return {
    train: toSplit(
      files.trainImages,
      files.trainLabels,
      name('trainImages'),
      name('trainLabels'),
      imageShape,
    ),
    test: toSplit(files.testImages, files.testLabels, name('testImages'), name('testLabels'), imageShape),
    classNames: CLASS_NAMES,
  };
}
