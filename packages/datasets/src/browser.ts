// The Node-free part of @steadygrad/datasets (`@steadygrad/datasets/browser`): parse IDX bytes a browser
// fetched (and decompressed, e.g. with `DecompressionStream('gzip')`), build splits and batch sources.

export type { FashionMnistFileRole } from './fashion-mnist-files.js';
export {
  CLASS_NAMES,
  FASHION_MNIST_BASE_URL,
  FASHION_MNIST_FILES,
  FASHION_MNIST_PAYLOAD_SHA256,
  FASHION_MNIST_ROLES,
  FASHION_MNIST_SHA256,
} from './fashion-mnist-files.js';
export type { FashionMnist, FashionMnistFromIdxOptions } from './fashion-mnist-from-idx.js';
export { fashionMnistFromIdx } from './fashion-mnist-from-idx.js';
export type { ImageSplit } from './image-split.js';
export { classCounts, makeSplit, sliceSplit, subset } from './image-split.js';
export type { IdxArray, IdxHeader, ParseIdxOptions } from './parse-idx.js';
export { encodeIdx, IDX_MAX_ELEMENTS, IDX_UINT8, isGzip, parseIdx, parseIdxHeader } from './parse-idx.js';
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
