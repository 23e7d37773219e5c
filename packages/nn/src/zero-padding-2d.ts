import { checkOptions, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { checkWindowedInput, LAYER_OPTION_KEYS } from './conv-utils.js';
import { type CallContext, Layer, type LayerOptions, type Shape } from './layer.js';

/** `[[top, bottom], [left, right]]`. */
export type Padding2D = readonly [readonly [number, number], readonly [number, number]];

/** Options of {@link ZeroPadding2D} (Keras 3 `keras.layers.ZeroPadding2D`, camelCased). */
export interface ZeroPadding2DOptions extends LayerOptions {
  /**
   * `p` (all four sides), `[h, w]` (`h` rows top and bottom, `w` columns left and right) or
   * `[[top, bottom], [left, right]]`. Default `1`.
   */
  readonly padding?: number | readonly [number, number] | Padding2D;
}

function toPadding2D(where: string, padding: unknown): Padding2D {
  const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (ok(padding)) {
    const p = padding as number;
    return [
      [p, p],
      [p, p],
    ];
  }
  if (Array.isArray(padding) && padding.length === 2) {
    if (padding.every(ok)) {
      const [h, w] = padding as [number, number];
      return [
        [h, h],
        [w, w],
      ];
    }
    if (padding.every((p) => Array.isArray(p) && p.length === 2 && p.every(ok))) {
      const [[t, b], [l, r]] = padding as [[number, number], [number, number]];
      return [
        [t, b],
        [l, r],
      ];
    }
  }
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `${where}: padding must be a non-negative integer, [rows, columns] or [[top, bottom], [left, right]], got ${JSON.stringify(padding)}`,
    { details: { where, option: 'padding', value: padding } },
  );
}

/**
 * Adds rows and columns of zeros around each NHWC image (Keras `ZeroPadding2D`), e.g. before a strided
 * `'valid'` convolution as in MobileNet. PyTorch: `nn.ZeroPad2d((left, right, top, bottom))` on NCHW.
 */
export class ZeroPadding2D extends Layer {
  readonly className: string = 'ZeroPadding2D';
  readonly padding: Padding2D;

  constructor(options: ZeroPadding2DOptions = {}) {
    checkOptions('ZeroPadding2D', options, [...LAYER_OPTION_KEYS, 'padding']);
    super(options);
    const { padding = 1 } = options;
    this.padding = toPadding2D(`layer '${this.name}' (ZeroPadding2D)`, padding);
  }

  override build(inputShape: Shape, rng: Parameters<Layer['build']>[1]): void {
    checkWindowedInput(this, inputShape, 4, [], 'same', '[batch, height, width, channels]');
    super.build(inputShape, rng);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    const [[t, b], [l, r]] = this.padding;
    const h = inputShape[1];
    const w = inputShape[2];
    return [
      inputShape[0] ?? null,
      typeof h === 'number' ? h + t + b : null,
      typeof w === 'number' ? w + l + r : null,
      inputShape[3] ?? null,
    ];
  }

  call(x: Tensor, _ctx: CallContext): Tensor {
    const [[t, b], [l, r]] = this.padding;
    return tf.pad(x, [
      [0, 0],
      [t, b],
      [l, r],
      [0, 0],
    ]);
  }

  override getConfig(): Record<string, unknown> {
    const [[t, b], [l, r]] = this.padding;
    return {
      ...super.getConfig(),
      padding: [
        [t, b],
        [l, r],
      ],
    };
  }
}
