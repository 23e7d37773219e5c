export { tf } from './tf.js';
export type {
  DataType,
  NamedTensorMap,
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  TensorLike,
  Variable,
} from './tf.js';
export { SteadygradError, isSteadygradError } from './errors.js';
export type { ErrorCode, SteadygradErrorOptions } from './errors.js';
export { checkNumber, checkOneOf } from './validate.js';
export type { NumberDomain } from './validate.js';
export { RandomStream, toStream } from './random.js';
export type { RandomState, SeedLike } from './random.js';
export { Parameter } from './parameter.js';
export type {
  Activation,
  Constraint,
  GradientTransformation,
  Initializer,
  InitializerFamily,
  Params,
  Regularizer,
  ScalarOrSchedule,
  Schedule,
  UpdateResult,
} from './contracts.js';
export { collectTensors, disposeExcept, flattenTree, isTensor, unflattenTree } from './tree.js';
export type { Tree } from './tree.js';
export { registerGradients } from './gradients.js';
export { BACKEND_CHOICES, BACKEND_PACKAGES, currentBackend, isNode, useBackend } from './backend.js';
export type { BackendChoice, BackendInfo, BackendName, UseBackendOptions } from './backend.js';
export { arraySource, isBatchSource, tensorSource, toBatchSource } from './data.js';
export type { ArraySourceOptions, BatchSource } from './data.js';
