export type {
  BatchNormInferenceOptions,
  BatchNormTrainingOptions,
  MovingStatistics,
} from './batch-norm-ops.js';
export {
  batchNormInference,
  batchNormTraining,
  batchNormTrainingOps,
  batchNormTrainingReference,
} from './batch-norm-ops.js';
export type { BatchNormalizationOptions } from './batch-normalization.js';
export { BatchNormalization } from './batch-normalization.js';
export { batchNormDenseRule } from './bn-dense-rule.js';
export type { AffineOptions } from './feature-params.js';
export type { GroupNormalizationOptions } from './group-normalization.js';
export { GroupNormalization } from './group-normalization.js';
export type { LayerNormalizationOptions } from './layer-normalization.js';
export { LayerNormalization } from './layer-normalization.js';
export type { KerasBatchNormOptions, PyTorchBatchNormOptions } from './pytorch-convention.js';
export {
  biasedToUnbiasedVariance,
  fromPyTorchBatchNorm,
  toPyTorchBatchNorm,
  unbiasedToBiasedVariance,
} from './pytorch-convention.js';
export type { RMSNormalizationOptions } from './rms-normalization.js';
export { RMSNormalization } from './rms-normalization.js';
