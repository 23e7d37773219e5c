import { checkOptions, type Tensor, tf } from '@steadygrad/core';
import type { LayerOptions } from './layer.js';
import { ElementwiseMerge } from './merge-layer.js';

const OPTIONS = ['name', 'trainable', 'inputShape'] as const;

/**
 * Multiplies its inputs element-wise (Keras `Multiply`), e.g. a gate: `multiply.apply([x, sigmoid(g)])`.
 * Inputs of one rank; sizes per axis equal or 1 (broadcast). No parameters.
 */
export class Multiply extends ElementwiseMerge {
  readonly className: string = 'Multiply';

  constructor(options: LayerOptions = {}) {
    super(checkOptions('Multiply', options, OPTIONS));
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return tf.tidy(() => xs.slice(1).reduce((acc, x) => tf.mul(acc, x), tf.clone(xs[0] as Tensor)));
  }
}
