export type { Fans } from './compute-fans.js';
export { computeFans } from './compute-fans.js';
export { constant, ones, zeros } from './constant.js';
export type {
  InitializerIdentifier,
  InitializerName,
  InitializerNameLike,
} from './get-initializer.js';
export {
  getInitializer,
  INITIALIZER_ALIASES,
  INITIALIZER_CLASS_NAMES,
  INITIALIZER_NAMES,
  initializerFromConfig,
  initializerNameOfClass,
} from './get-initializer.js';
export type { IdentityOptions } from './identity.js';
export { identity } from './identity.js';
export {
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
} from './named-schemes.js';
export type { OrthogonalOptions } from './orthogonal.js';
export { orthogonal } from './orthogonal.js';
export type { RandomNormalOptions } from './random-normal.js';
export { randomNormal } from './random-normal.js';
export type { RandomUniformOptions } from './random-uniform.js';
export { randomUniform } from './random-uniform.js';
export type { TruncatedNormalOptions } from './truncated-normal.js';
export { TRUNCATED_NORMAL_STD_RATIO, truncatedNormal } from './truncated-normal.js';
export type {
  FanMode,
  FanModeInput,
  VarianceScalingDistribution,
  VarianceScalingDistributionInput,
  VarianceScalingOptions,
  VarianceScalingStats,
} from './variance-scaling.js';
export {
  FAN_MODES,
  normalizeDistribution,
  normalizeFanMode,
  VARIANCE_SCALING_DISTRIBUTIONS,
  varianceScaling,
  varianceScalingStats,
} from './variance-scaling.js';
