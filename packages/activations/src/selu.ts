import { defineActivation } from './define-activation.js';
import { eluFunction } from './elu.js';

/** SELU's alpha α₀₁ = 1.6732632423543772848170429916717 (Klambauer et al., 2017), the nearest double. */
export const SELU_ALPHA = 1.6732632423543772;
/** SELU's scale λ₀₁ = 1.0507009873554804934193349852946 (Klambauer et al., 2017), the nearest double. */
export const SELU_SCALE = 1.0507009873554805;

/**
 * Scaled exponential linear unit (Klambauer et al., 2017):
 * `selu(x) = scale·x` for x > 0, `scale·alpha·(exp(x) − 1)` for x <= 0, with
 * alpha = 1.6732632423543772848170429916717 and scale = 1.0507009873554804934193349852946.
 *
 * Gradient: `scale` for x > 0, `scale·alpha·exp(x)` for x <= 0 (so `selu'(0) = scale·alpha ≈ 1.7581`,
 * as in PyTorch). Stable for large |x| (exp of `min(x, 0)` only).
 *
 * Self-normalizing only with LeCun-normal initialization (and alpha dropout, standardized inputs, a plain
 * stack of dense layers): pairs with `'lecun'`; see `checkActivationPairing`. Keras name `'selu'`.
 */
export const selu = defineActivation('selu', {}, 'lecun', eluFunction(SELU_ALPHA, SELU_SCALE));
