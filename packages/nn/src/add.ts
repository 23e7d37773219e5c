import { checkOptions, type Tensor, tf } from '@steadygrad/core';
import type { LayerOptions } from './layer.js';
import { ElementwiseMerge } from './merge-layer.js';

const OPTIONS = ['name', 'trainable', 'inputShape'] as const;

/**
 * Sums its inputs element-wise (Keras `Add`): `add.apply([x, shortcut])` is the residual connection.
 * Inputs of one rank; sizes per axis equal or 1 (broadcast). No parameters.
 */
export class Add extends ElementwiseMerge {
  readonly className: string = 'Add';

  constructor(options: LayerOptions = {}) {
    super(checkOptions('Add', options, OPTIONS));
  }

  protected merge(xs: readonly Tensor[]): Tensor {
    return tf.tidy(() => xs.slice(1).reduce((acc, x) => tf.add(acc, x), tf.clone(xs[0] as Tensor)));
  }
}
