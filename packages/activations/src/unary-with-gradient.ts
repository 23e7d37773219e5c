import { type Tensor, tf } from '@steadygrad/core';

/**
 * Wraps an element-wise function and its derivative in `tf.customGrad`, so the backward pass uses the
 * given (stable, convention-fixed) derivative instead of differentiating through the forward ops.
 *
 * `derivative(x, y)` receives the input and the forward output and returns dy/dx element-wise; the
 * incoming gradient is multiplied in here. The forward intermediates are tidied by tfjs; `x` and `y`
 * are kept only while a gradient tape records.
 */
export function unaryWithGradient(
  forward: (x: Tensor) => Tensor,
  derivative: (x: Tensor, y: Tensor) => Tensor,
): (x: Tensor) => Tensor {
  const f = tf.customGrad(((x: Tensor, save: tf.GradSaveFunc) => {
    const y = forward(x);
    save([x, y]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ys] = saved;
        if (xs === undefined || ys === undefined) throw new Error('unaryWithGradient: missing saved tensors');
        return tf.mul(dy, derivative(xs, ys));
      },
    };
  }) as unknown as CustomGradientFunc);
  return (x: Tensor) => f(x);
}

/** The argument type of `tf.customGrad` (not exported by name from tfjs-core). */
type CustomGradientFunc = Parameters<typeof tf.customGrad<Tensor>>[0];
