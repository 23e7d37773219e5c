import {
  checkNumber,
  checkOptions,
  optionKeys,
  type SeedLike,
  SteadygradError,
  toStream,
} from '@steadygrad/core';
import { CLASS_NAMES } from './fashion-mnist-files.js';
import { type ImageSplit, subset } from './image-split.js';

/** One task of a transfer split: its parts and the names of its labels `0..k-1`. */
export interface TransferTask {
  readonly train: ImageSplit;
  readonly valid?: ImageSplit;
  readonly test: ImageSplit;
  readonly classNames: readonly string[];
}

/**
 * The splits `transferSplit` divides into tasks A and B (validation optional), and the class names to relabel.
 */
export interface TransferSplitInput {
  readonly train: ImageSplit;
  readonly valid?: ImageSplit;
  readonly test: ImageSplit;
  /** Names of the original labels. Default the Fashion-MNIST {@link CLASS_NAMES}. */
  readonly classNames?: readonly string[];
}

/** Options of `transferSplit`: task B's two classes, its training-set size and the seed of its sample. */
export interface TransferSplitOptions {
  /**
   * The two classes of task B as `[negative, positive]`: B's label is `1` for `classesB[1]` and `0` for
   * `classesB[0]`. Default `[5, 6]` — Géron 2nd edition (the seed notebook's cells 11–18): sandal = 0,
   * shirt = 1, i.e. `y_B = (y == 6)`. Géron's 3rd edition uses `[0, 2]` (T-shirt/top = 0, pullover = 1).
   */
  readonly classesB?: readonly [number, number];
  /** Labelled training images kept for task B. Default `200` (`X_train_B[:200]`). */
  readonly sizeB?: number;
  /**
   * Without a seed B keeps its first `sizeB` training images, as Géron does. With a seed it keeps a seeded
   * random sample of `sizeB` of them (in their original order).
   */
  readonly seed?: SeedLike;
}

const KEYS = optionKeys<TransferSplitOptions>()(['classesB', 'sizeB', 'seed']);

/**
 * What `transferSplit` returns: task A (8 classes) and task B (2 classes, few labels), each with its training,
 * validation and test splits.
 */
export interface TransferSplit {
  /** Task A: every class but `classesB`, relabelled `0..k-3` in ascending order of the original label. */
  readonly a: TransferTask;
  /** Task B: the two classes of `classesB` as a binary task, its training set cut to `sizeB` images. */
  readonly b: TransferTask;
  /** Original label of each task-A label (`classesA[newLabel] = oldLabel`). */
  readonly classesA: readonly number[];
  readonly classesB: readonly [number, number];
}

function splitOne(
  split: ImageSplit,
  mapA: Int16Array,
  positive: number,
  negative: number,
  part: string,
): { a: ImageSplit; b: ImageSplit } {
  const idxA: number[] = [];
  const idxB: number[] = [];
  for (let i = 0; i < split.count; i++) {
    const y = split.labels[i]!;
    if (y >= mapA.length) {
      throw new SteadygradError(
        'OUT_OF_RANGE',
        `${part} label ${y} at index ${i} is outside [0, ${mapA.length}) (the number of class names)`,
      );
    }
    if (y === positive || y === negative) idxB.push(i);
    else idxA.push(i);
  }
  const a = subset(split, idxA);
  for (let i = 0; i < a.count; i++) a.labels[i] = mapA[a.labels[i]!]!;
  const b = subset(split, idxB);
  for (let i = 0; i < b.count; i++) b.labels[i] = b.labels[i] === positive ? 1 : 0;
  return { a, b };
}

/**
 * Géron's transfer-learning split ("Reusing Pretrained Layers", the seed notebook's cells 11–18):
 * ```python
 * def split_dataset(X, y):
 *     y_5_or_6 = (y == 5) | (y == 6)          # sandals or shirts
 *     y_A = y[~y_5_or_6]; y_A[y_A > 6] -= 2  # class indices 7, 8, 9 become 5, 6, 7
 *     y_B = (y[y_5_or_6] == 6)               # binary: is it a shirt?
 *     return ((X[~y_5_or_6], y_A), (X[y_5_or_6], y_B))
 * X_train_B, y_train_B = X_train_B[:200], y_train_B[:200]
 * ```
 * applied to `train`, `valid` (when given) and `test`. Only B's training set is cut to `sizeB`; its
 * validation and test parts keep every image of the two classes. All parts are copies.
 */
export function transferSplit(data: TransferSplitInput, options: TransferSplitOptions = {}): TransferSplit {
  checkOptions('transferSplit', options, KEYS);
  const { classesB = [5, 6], sizeB = 200, seed } = options;
  const names = data.classNames ?? CLASS_NAMES;
  const numClasses = names.length;
  if (!Array.isArray(classesB) || classesB.length !== 2) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `classesB must be two class ids [negative, positive], got ${JSON.stringify(classesB)}`,
    );
  }
  const [negative, positive] = classesB;
  checkNumber('classesB[0]', negative, { integer: true, min: 0, max: numClasses - 1 });
  checkNumber('classesB[1]', positive, { integer: true, min: 0, max: numClasses - 1 });
  if (negative === positive) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `classesB must be two different classes, got [${classesB}]`,
    );
  }
  checkNumber('sizeB', sizeB, { integer: true, min: 1 });

  const classesA: number[] = [];
  const mapA = new Int16Array(numClasses).fill(-1);
  for (let c = 0; c < numClasses; c++) {
    if (c === negative || c === positive) continue;
    mapA[c] = classesA.length;
    classesA.push(c);
  }

  const train = splitOne(data.train, mapA, positive, negative, 'train');
  const test = splitOne(data.test, mapA, positive, negative, 'test');
  const valid =
    data.valid === undefined ? undefined : splitOne(data.valid, mapA, positive, negative, 'valid');

  const fullB = train.b;
  if (sizeB > fullB.count) {
    throw new SteadygradError(
      'OUT_OF_RANGE',
      `sizeB is ${sizeB}, but the training split holds only ${fullB.count} images of classes ` +
        `${negative} and ${positive}; expected sizeB <= ${fullB.count}`,
    );
  }
  let keep: ArrayLike<number>;
  if (seed === undefined) keep = Array.from({ length: sizeB }, (_, i) => i);
  else keep = toStream(seed).permutation(fullB.count).slice(0, sizeB).sort();
  const trainB = subset(fullB, keep);

  const namesA = classesA.map((c) => names[c]!);
  const namesB = [names[negative]!, names[positive]!];
  return {
    a: {
      train: train.a,
      ...(valid === undefined ? {} : { valid: valid.a }),
      test: test.a,
      classNames: namesA,
    },
    b: {
      train: trainB,
      ...(valid === undefined ? {} : { valid: valid.b }),
      test: test.b,
      classNames: namesB,
    },
    classesA,
    classesB: [negative, positive],
  };
}
