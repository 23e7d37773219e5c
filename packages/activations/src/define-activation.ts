import {
  type Activation,
  type InitializerFamily,
  registerGradients,
  type Tensor,
  tf,
} from '@steadygrad/core';

/**
 * Builds a frozen core {@link Activation}. `apply` registers tfjs' gradients (idempotent, cheap) so the
 * result can be differentiated, and casts non-float32 input to float32 first (Keras casts to the float
 * dtype too).
 */
export function defineActivation(
  name: string,
  config: Readonly<Record<string, unknown>>,
  pairsWith: InitializerFamily,
  fn: (x: Tensor) => Tensor,
): Activation {
  return Object.freeze({
    name,
    config: Object.freeze({ ...config }),
    pairsWith,
    apply(x: Tensor): Tensor {
      registerGradients();
      return fn(toFloat32(x));
    },
  });
}

/** `x` itself when it is already float32, otherwise a float32 cast. */
export function toFloat32(x: Tensor): Tensor {
  return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
}
