import type { Initializer } from '@steadygrad/core';
import { varianceScalingNamed } from './variance-scaling.js';

/**
 * Glorot (Xavier) uniform, Keras `'glorot_uniform'`: `U[−limit, limit)`, `limit = sqrt(6 / (fanIn + fanOut))`
 * (= `varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform' })`, variance `2 / (fanIn + fanOut)`).
 * Same as PyTorch `xavier_uniform_` (gain 1). Pairs with sigmoid, tanh, softmax. Keras' default kernel initializer.
 */
export function glorotUniform(): Initializer {
  return varianceScalingNamed('glorot_uniform', { scale: 1, mode: 'fanAvg', distribution: 'uniform' });
}

/**
 * Glorot (Xavier) normal, Keras `'glorot_normal'`: truncated normal with variance `2 / (fanIn + fanOut)`
 * (= `varianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' })`).
 * PyTorch `xavier_normal_` draws an untruncated normal with the same variance.
 */
export function glorotNormal(): Initializer {
  return varianceScalingNamed('glorot_normal', { scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal' });
}

/**
 * He (Kaiming) normal, Keras `'he_normal'`: truncated normal with variance `2 / fanIn`
 * (= `varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' })`). Pairs with the ReLU family.
 * PyTorch `kaiming_normal_` (defaults `mode='fan_in'`, `nonlinearity='leaky_relu'` with `a=0`) draws an
 * untruncated normal with the same variance.
 */
export function heNormal(): Initializer {
  return varianceScalingNamed('he_normal', { scale: 2, mode: 'fanIn', distribution: 'truncatedNormal' });
}

/**
 * He (Kaiming) uniform, Keras `'he_uniform'`: `U[−limit, limit)`, `limit = sqrt(6 / fanIn)`
 * (= `varianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform' })`). Same as PyTorch
 * `kaiming_uniform_(a=0)`; note PyTorch's `nn.Linear`/`nn.Conv*` default is `kaiming_uniform_(a=sqrt(5))`,
 * i.e. `limit = 1 / sqrt(fanIn)` (variance `1 / (3·fanIn)`).
 */
export function heUniform(): Initializer {
  return varianceScalingNamed('he_uniform', { scale: 2, mode: 'fanIn', distribution: 'uniform' });
}

/**
 * LeCun normal, Keras `'lecun_normal'`: truncated normal with variance `1 / fanIn`
 * (= `varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' })`). The initializer SELU needs.
 */
export function lecunNormal(): Initializer {
  return varianceScalingNamed('lecun_normal', { scale: 1, mode: 'fanIn', distribution: 'truncatedNormal' });
}

/**
 * LeCun uniform, Keras `'lecun_uniform'`: `U[−limit, limit)`, `limit = sqrt(3 / fanIn)`
 * (= `varianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform' })`).
 */
export function lecunUniform(): Initializer {
  return varianceScalingNamed('lecun_uniform', { scale: 1, mode: 'fanIn', distribution: 'uniform' });
}
