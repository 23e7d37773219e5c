// @steadygrad/core/kernels: the kernels' home (docs/kernels.md). Ops (what a layer calls: hostMatMul,
// batch normalization, selectByFlag, the fused kernels of nn and optim), the kernels behind them (a
// JavaScript loop, its WebAssembly SIMD twin, its TensorFlow form, side by side) and the runtime
// (runtime/: host-kernel registration, the SIMD module holder, the assembler, GEMM threads, tfjs-node's
// native ops, lazy gradients, engine access and backend traits) — the one place that touches tfjs engine or
// backend internals or branches on a backend's name. Browser-safe; ESM; no side effects at import.

export { allFinite, allFiniteKernel } from './all-finite/all-finite.js';
export { batchNormGradKernel, batchNormTrainKernel } from './batch-norm/batch-norm.js';
export type { BatchNormRowsOptions, HostMovingStatistics } from './batch-norm/batch-norm-op.js';
export {
  batchNormHostAvailable,
  batchNormTrainingHost,
  batchNormTrainRows,
} from './batch-norm/batch-norm-op.js';
export { biasActGradKernel } from './bias-act-grad/bias-act-grad.js';
export type { AffineActivation, FusedActivation } from './dense/dense-op.js';
export {
  affineActivationFor,
  affineForward,
  affineGradParts,
  affineInputGrad,
  affineKernelGrad,
  denseForward,
  denseReference,
} from './dense/dense-op.js';
export type { HostMatMulOptions, MatMulAttrs } from './mat-mul/mat-mul.js';
export { hostMatMul, hostMatMulAvailable, matMulKernel } from './mat-mul/mat-mul.js';
export {
  normalizedDenseParamGradKernel,
  normalizedRowsKernel,
  normalizedTransposeKernel,
} from './normalized-dense-grad/normalized-dense-grad.js';
export type { BackendTraits } from './runtime/backend-traits.js';
export { backendTraits } from './runtime/backend-traits.js';
export { gradientTapeRecording, releaseAbandonedTape, runEngineKernel } from './runtime/engine.js';
export type { HostThreadsOptions } from './runtime/gemm-threads.js';
export {
  hostThreads,
  MIN_THREADED_MACS,
  setHostThreads,
  threadedProducts,
} from './runtime/gemm-threads.js';
export type { HostArrays, HostInt32Arrays, HostKernel, HostShapes } from './runtime/host-kernel.js';
export {
  HOST_KERNEL_BACKENDS,
  hostKernelAvailable,
  registerHostKernel,
  runHostKernel,
} from './runtime/host-kernel.js';
export type { LazyGradients } from './runtime/lazy-grad.js';
export { lazyGradOp } from './runtime/lazy-grad.js';
export type { NativeAttr, NativeHandle } from './runtime/native-tensorflow.js';
export { NativeTensorflow } from './runtime/native-tensorflow.js';
export { enableRelaxedSimd } from './runtime/relaxed-simd-flag.js';
export type { GemmFunction, RelaxedSimdKernels, SimdKernels } from './runtime/simd-module.js';
export {
  hostRelaxedSimd,
  hostRelaxedSimdAvailable,
  hostSimd,
  hostSimdAvailable,
  pointer,
  setHostRelaxedSimdEnabled,
  setHostSimdEnabled,
} from './runtime/simd-module.js';
export { selectByFlag, selectByFlagKernel } from './select-by-flag/select-by-flag.js';
export type { SgdKernelAttrs } from './sgd-step/sgd-step.js';
export { sgdStepKernel, sgdStepMultiKernel } from './sgd-step/sgd-step.js';
export { softmaxBiasGradKernel, softmaxRowsKernel } from './softmax-rows/softmax-rows.js';
export {
  sparseAccuracyHostAvailable,
  sparseAccuracyKernel,
  sparseCategoricalAccuracyHost,
  sparseCategoricalCrossentropyHost,
  sparseCrossentropyGradKernel,
  sparseCrossentropyHostAvailable,
  sparseCrossentropyKernel,
} from './sparse-categorical/sparse-categorical.js';
export { transposeBiasActKernel } from './transpose-bias-act/transpose-bias-act.js';
