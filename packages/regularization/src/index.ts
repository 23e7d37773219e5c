export type { AlphaDropoutOptions } from './alpha-dropout.js';
export { ALPHA_PRIME, AlphaDropout, alphaDropoutAffine } from './alpha-dropout.js';
export type { CheckDropoutPairingsOptions } from './check-dropout-pairings.js';
export { checkDropoutPairings } from './check-dropout-pairings.js';
export type {
  Axis,
  ConstraintName,
  MaxNormOptions,
  MinMaxNormOptions,
  UnitNormOptions,
} from './constraints.js';
export {
  CONSTRAINT_EPSILON,
  CONSTRAINT_NAMES,
  getConstraint,
  maxNorm,
  minMaxNorm,
  nonNeg,
  unitNorm,
} from './constraints.js';
export type { DropoutOptions } from './dropout.js';
export { Dropout } from './dropout.js';
export type { GaussianDropoutOptions } from './gaussian-dropout.js';
export { GaussianDropout } from './gaussian-dropout.js';
export type { GaussianNoiseOptions } from './gaussian-noise.js';
export { GaussianNoise } from './gaussian-noise.js';
export type { McModel, McPrediction, McPredictOptions } from './mc-predict.js';
export { mcPredict } from './mc-predict.js';
export type { LayerOptionsOf, PartialLayerFactory, PartialLayerOptions } from './partial-layer.js';
export { partialLayer } from './partial-layer.js';
export type { L1L2Options, RegularizerName } from './penalties.js';
export { getRegularizer, l1, l1l2, l2, REGULARIZER_NAMES } from './penalties.js';
export type { SpatialDropoutOptions } from './spatial-dropout.js';
export { SpatialDropout1D, SpatialDropout2D, SpatialDropout3D } from './spatial-dropout.js';
export type { NoiseShape, RegularizationCallContext, StochasticLayerOptions } from './stochastic-layer.js';
export { StochasticLayer } from './stochastic-layer.js';
