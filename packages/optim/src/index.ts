export type { AdagradOptions } from './adagrad.js';
export { adagrad } from './adagrad.js';
export type { AdamOptions } from './adam.js';
export { adam } from './adam.js';
export type { AdamaxOptions } from './adamax.js';
export { adamax } from './adamax.js';
export type { AdamwOptions } from './adamw.js';
export { adamw } from './adamw.js';
export type { AddDecayedWeightsOptions } from './add-decayed-weights.js';
export { addDecayedWeights } from './add-decayed-weights.js';
export type { ApplyIfFiniteOptions, ApplyIfFiniteState } from './apply-if-finite.js';
export { applyIfFinite } from './apply-if-finite.js';
export { applyUpdates } from './apply-updates.js';
export { chain } from './chain.js';
export type { ParameterSpec, StateLayout, TensorSpec } from './check-optimizer-state.js';
export { stateLayout } from './check-optimizer-state.js';
export { clipByGlobalNorm } from './clip-by-global-norm.js';
export { clipByNorm } from './clip-by-norm.js';
export { clipByValue } from './clip-by-value.js';
export type { ClippingOptions } from './clipping-options.js';
export { clippingTransforms } from './clipping-options.js';
export { identity } from './identity.js';
export type { Mask } from './mask.js';
export { masked } from './masked.js';
export type { NadamOptions } from './nadam.js';
export { nadam } from './nadam.js';
export type { OptimizerState, OptimizerStateMeta } from './optimizer.js';
export { OPTIMIZER_STATE_FORMAT, Optimizer } from './optimizer.js';
export type { Labels } from './partition.js';
export { partition } from './partition.js';
export type { ParameterProjection } from './projection.js';
export { projection } from './projection.js';
export type { RmspropOptions } from './rmsprop.js';
export { rmsprop } from './rmsprop.js';
export { scale } from './scale.js';
export type { ScaleByAdagradOptions, ScaleByAdagradState } from './scale-by-adagrad.js';
export { scaleByAdagrad } from './scale-by-adagrad.js';
export type { ScaleByAdamOptions, ScaleByAdamState } from './scale-by-adam.js';
export { scaleByAdam } from './scale-by-adam.js';
export type { ScaleByAdamaxOptions, ScaleByAdamaxState } from './scale-by-adamax.js';
export { scaleByAdamax } from './scale-by-adamax.js';
export type { ScaleByLearningRateState } from './scale-by-learning-rate.js';
export { scaleByLearningRate } from './scale-by-learning-rate.js';
export type { ScaleByNadamOptions, ScaleByNadamState } from './scale-by-nadam.js';
export { scaleByNadam } from './scale-by-nadam.js';
export type { ScaleByRmsOptions, ScaleByRmsState } from './scale-by-rms.js';
export { scaleByRms } from './scale-by-rms.js';
export { setToZero } from './set-to-zero.js';
export type { SgdOptions } from './sgd.js';
export { sgd } from './sgd.js';
export type { TraceOptions, TraceState } from './trace.js';
export { trace } from './trace.js';
export type { EmptyState, LearningRateAccess, Transform } from './transform.js';
export type { DescriptorValue, TransformDescriptor } from './transform-descriptor.js';
export {
  describedAs,
  describeTransform,
  describeValue,
  descriptorDifferences,
  formatDescriptor,
} from './transform-descriptor.js';
