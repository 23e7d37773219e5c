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
export type { L1L2Options, RegularizerName } from './penalties.js';
export { getRegularizer, l1, l1l2, l2, REGULARIZER_NAMES } from './penalties.js';
