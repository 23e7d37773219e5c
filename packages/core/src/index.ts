export type { BackendChoice, BackendInfo, BackendName, UseBackendOptions } from './backend.js';
export { BACKEND_CHOICES, BACKEND_PACKAGES, currentBackend, isNode, useBackend } from './backend.js';
export type { MissingKeys } from './check-options.js';
export { checkOptions, optionKeys, suggestName, toCamelCase } from './check-options.js';
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
export type { ArraySourceOptions, BatchSource } from './data.js';
export { arraySource, isBatchSource, tensorSource, toBatchSource } from './data.js';
export type { ErrorCode, SteadygradErrorOptions } from './errors.js';
export { isSteadygradError, SteadygradError } from './errors.js';
export type { FastestBackendInfo, FastestBackendOptions } from './fastest-backend.js';
export { useFastestBackend } from './fastest-backend.js';
export { registerGradients } from './gradients.js';
// Compatibility re-exports: the kernel API lives in `@steadygrad/core/kernels` (docs/kernels.md); the main
// entry keeps the names it exported before that subpath existed, so that code importing them from
// `@steadygrad/core` keeps working. New kernel API is exported from the subpath only.
export type {
  GemmFunction,
  HostArrays,
  HostInt32Arrays,
  HostKernel,
  HostMatMulOptions,
  HostMovingStatistics,
  HostShapes,
  HostThreadsOptions,
  LazyGradients,
  MatMulAttrs,
  NativeAttr,
  NativeHandle,
  RelaxedSimdKernels,
  SimdKernels,
} from './kernels/index.js';
export {
  batchNormGradKernel,
  batchNormHostAvailable,
  batchNormTrainingHost,
  batchNormTrainKernel,
  enableRelaxedSimd,
  HOST_KERNEL_BACKENDS,
  hostKernelAvailable,
  hostMatMul,
  hostMatMulAvailable,
  hostRelaxedSimd,
  hostRelaxedSimdAvailable,
  hostSimd,
  hostSimdAvailable,
  hostThreads,
  lazyGradOp,
  MIN_THREADED_MACS,
  matMulKernel,
  NativeTensorflow,
  pointer,
  registerHostKernel,
  runHostKernel,
  selectByFlag,
  selectByFlagKernel,
  setHostRelaxedSimdEnabled,
  setHostSimdEnabled,
  setHostThreads,
  threadedProducts,
} from './kernels/index.js';
export { log1pExact } from './log1p.js';
export { Parameter } from './parameter.js';
export type { RandomState, SeedLike } from './random.js';
export { RandomStream, toStream } from './random.js';
export type { KerasName, SnakeToCamel } from './resolve-name.js';
export { resolveName, toSnakeCase } from './resolve-name.js';
export { isSoftmaxOutput, markSoftmaxOutput } from './softmax-output.js';
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
export { tf } from './tf.js';
export type { Tree } from './tree.js';
export { collectTensors, disposeExcept, flattenTree, isTensor, unflattenTree } from './tree.js';
export type { NumberDomain } from './validate.js';
export { checkBoolean, checkNumber, checkOneOf } from './validate.js';
