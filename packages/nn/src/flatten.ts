import { checkOptions, type Tensor, tf } from '@steadygrad/core';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions, type Shape } from './layer.js';

/**
 * Flattens every sample to one axis (Keras `Flatten`): `[batch, d1, ..., dk]` → `[batch, d1·...·dk]`
 * (row-major, as Keras with `data_format='channels_last'` and PyTorch `nn.Flatten()`). A rank-1 input
 * becomes `[batch, 1]`. No parameters.
 */
export class Flatten extends Layer {
  readonly className: string = 'Flatten';

  constructor(options: LayerOptions = {}) {
    checkOptions('Flatten', options, LAYER_KEYS);
    super(options);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    const size = rest.some((d) => d === null) ? null : rest.reduce<number>((n, d) => n * (d as number), 1);
    return [inputShape[0] ?? null, size];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const batch = x.shape[0] ?? 1;
    return tf.reshape(x, [batch, x.rank <= 1 ? 1 : x.size / Math.max(batch, 1)]);
  }
}
