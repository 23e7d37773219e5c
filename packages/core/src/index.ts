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
export { registerGradients } from './gradients.js';
export type { HostMovingStatistics } from './kernels/batch-norm.js';
export {
  batchNormGradKernel,
  batchNormHostAvailable,
  batchNormTrainingHost,
  batchNormTrainKernel,
} from './kernels/batch-norm.js';
export type { HostArrays, HostInt32Arrays, HostKernel, HostShapes } from './kernels/host-kernel.js';
export {
  HOST_KERNEL_BACKENDS,
  hostKernelAvailable,
  registerHostKernel,
  runHostKernel,
} from './kernels/host-kernel.js';
export type { HostMatMulOptions, MatMulAttrs } from './kernels/mat-mul.js';
export { hostMatMul, hostMatMulAvailable, matMulKernel } from './kernels/mat-mul.js';
export { selectByFlag, selectByFlagKernel } from './kernels/select-by-flag.js';
export type { HostThreadsOptions } from './kernels/simd/gemm-threads.js';
export {
  hostThreads,
  MIN_THREADED_MACS,
  setHostThreads,
  threadedProducts,
} from './kernels/simd/gemm-threads.js';
export { enableRelaxedSimd } from './kernels/simd/relaxed-simd-flag.js';
export type { GemmFunction, RelaxedSimdKernels, SimdKernels } from './kernels/simd/runtime.js';
export {
  hostRelaxedSimd,
  hostRelaxedSimdAvailable,
  hostSimd,
  hostSimdAvailable,
  pointer,
  setHostRelaxedSimdEnabled,
  setHostSimdEnabled,
} from './kernels/simd/runtime.js';
export type { NativeAttr, NativeHandle } from './kernels/tensorflow/native.js';
export { NativeTensorflow } from './kernels/tensorflow/native.js';
export type { LazyGradients } from './lazy-grad.js';
export { lazyGradOp } from './lazy-grad.js';
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
