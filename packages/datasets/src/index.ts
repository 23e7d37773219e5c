export type { DownloadFashionMnistOptions, FetchLike } from './download-fashion-mnist.js';
export { downloadFashionMnist } from './download-fashion-mnist.js';
export type { FashionMnistFileRole } from './fashion-mnist-files.js';
export {
  CLASS_NAMES,
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_DIR_ENV,
  FASHION_MNIST_FILES,
  FASHION_MNIST_PAYLOAD_SHA256,
  FASHION_MNIST_ROLES,
  FASHION_MNIST_SHA256,
} from './fashion-mnist-files.js';
export type { FashionMnist, FashionMnistFromIdxOptions } from './fashion-mnist-from-idx.js';
export { fashionMnistFromIdx } from './fashion-mnist-from-idx.js';
export type { ImageSplit } from './image-split.js';
export { classCounts, makeSplit, sliceSplit, subset } from './image-split.js';
export type {
  FashionMnistLocation,
  FashionMnistOrigin,
  LoadFashionMnistOptions,
  LocateFashionMnistOptions,
} from './load-fashion-mnist.js';
export {
  defaultCacheDir,
  findFashionMnistFiles,
  loadFashionMnist,
  locateFashionMnist,
  readFashionMnistFiles,
} from './load-fashion-mnist.js';
export type { IdxArray, IdxHeader, ParseIdxOptions } from './parse-idx.js';
export {
  encodeIdx,
  IDX_MAX_ELEMENTS,
  IDX_UINT8,
  isGzip,
  parseIdx,
  parseIdxHeader,
} from './parse-idx.js';
export type { ReadIdxOptions } from './read-idx.js';
export { readIdx } from './read-idx.js';
export type { ImageSourceOptions, LabelSourceOptions } from './sources.js';
export { imageSource, labelSource, toSources } from './sources.js';
export type {
  TransferSplit,
  TransferSplitInput,
  TransferSplitOptions,
  TransferTask,
} from './transfer-split.js';
export { transferSplit } from './transfer-split.js';
export type { ValidationSplitOptions } from './validation-split.js';
export { validationSplit } from './validation-split.js';
