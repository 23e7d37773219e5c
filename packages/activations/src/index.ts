export type {
  InitializerLike,
  PairingChecker,
  PairingCheckOptions,
  WarnFunction,
} from './check-activation-pairing.js';
export {
  checkActivationPairing,
  checkDropoutPairing,
  createPairingChecker,
  dropoutPairingWarning,
  initializerFamily,
  pairingWarning,
} from './check-activation-pairing.js';
export type { EluOptions } from './elu.js';
export { elu } from './elu.js';
export type { GeluOptions } from './gelu.js';
export { gelu } from './gelu.js';
export type { ActivationIdentifier, ActivationName, ActivationNameLike } from './get-activation.js';
export { ACTIVATION_NAMES, getActivation, isActivation } from './get-activation.js';
export { hardSigmoid } from './hard-sigmoid.js';
export type { LeakyReluOptions } from './leaky-relu.js';
export { LEAKY_RELU_DEFAULT_ALPHA, leakyRelu } from './leaky-relu.js';
export { linear } from './linear.js';
export { mish } from './mish.js';
export { preluApply } from './prelu-apply.js';
export { relu } from './relu.js';
export { relu6 } from './relu6.js';
export type { RreluOptions } from './rrelu-apply.js';
export { RRELU_DEFAULT_LOWER, RRELU_DEFAULT_UPPER, rreluApply } from './rrelu-apply.js';
export { SELU_ALPHA, SELU_SCALE, selu } from './selu.js';
export { sigmoid } from './sigmoid.js';
export type { SoftmaxOptions } from './softmax.js';
export { softmax } from './softmax.js';
export { softplus } from './softplus.js';
export { silu, swish } from './swish.js';
export { tanh } from './tanh.js';
