import { type Scalar, type Tensor, tf, type Variable } from '@steadygrad/core';
import { releaseAbandonedTape } from '@steadygrad/core/kernels';

/**
 * `tf.variableGrads(f, varList)` that does not leak when `f` throws.
 *
 * While the gradient tape records, tfjs keeps a clone of every tensor a kernel saves for its backward pass
 * (and a custom gradient's `save`d tensors) and frees them after the backward pass. When `f` throws, there is
 * no backward pass: the tape is dropped by the next `startTape` and its saved tensors leak (a handful per
 * layer per failed step). This wrapper frees them, exactly as tfjs does after a successful backward pass,
 * when the error leaves the outermost gradient scope, then rethrows.
 */
export function variableGrads(
  f: () => Scalar,
  varList: Variable[],
): { value: Scalar; grads: Record<string, Tensor | null> } {
  try {
    return tf.variableGrads(f, varList) as { value: Scalar; grads: Record<string, Tensor | null> };
  } catch (e) {
    releaseAbandonedTape();
    throw e;
  }
}
