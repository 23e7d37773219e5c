import { registerGradients, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { toFloat32 } from './define-activation.js';

/**
 * Parametric ReLU (He et al., 2015) as a function over tensors — the computation of a PReLU layer (the
 * layer with its learnable `alpha` parameter lives in `@steadygrad/nn`):
 * `prelu(x) = x` for x > 0, `alpha·x` for x <= 0, with `alpha` broadcast against `x` (right-aligned, numpy
 * rules). A Keras `PReLU` layer has one slope per unit, `alpha.shape = x.shape without the batch axis`,
 * with size 1 along its `shared_axes`; PyTorch's `PReLU` has one slope per channel (axis 1) or a single one.
 *
 * Gradients: `dx = dy` for x > 0, `alpha·dy` for x <= 0 (`alpha` at 0, as in PyTorch and tfjs);
 * `dalpha = Σ dy·x` over x <= 0, summed over the broadcast axes to `alpha`'s shape (tfjs' `Prelu`
 * gradient). Keras initializes `alpha` to zeros, PyTorch to 0.25. Pairs with He initialization.
 *
 * @throws SteadygradError `SHAPE_MISMATCH` when `alpha` does not broadcast to `x`'s shape.
 */
export function preluApply(x: Tensor, alpha: Tensor): Tensor {
  registerGradients();
  checkBroadcastsTo('preluApply alpha', alpha.shape, x.shape);
  return tf.prelu(toFloat32(x), toFloat32(alpha));
}

/** Throws unless `shape` broadcasts to `target` without changing `target`. */
function checkBroadcastsTo(name: string, shape: readonly number[], target: readonly number[]): void {
  const offset = target.length - shape.length;
  const ok = offset >= 0 && shape.every((d, i) => d === 1 || d === target[i + offset]);
  if (!ok) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${name} of shape [${shape.join(', ')}] must broadcast to the input shape [${target.join(', ')}] (rank <= ${target.length}, each dimension 1 or equal to the input's, right-aligned)`,
      { details: { name, shape, target } },
    );
  }
}
