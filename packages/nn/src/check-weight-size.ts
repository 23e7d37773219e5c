import { SteadygradError } from '@steadygrad/core';

/**
 * The most values one parameter tensor may hold: 2^28 float32 values (1 GiB). Far beyond any layer that
 * trains in JavaScript, and below where typed-array allocation fails with a raw `RangeError`.
 */
export const MAX_WEIGHT_ELEMENTS = 2 ** 28;

/**
 * Throws `OUT_OF_RANGE` naming the layer, the weight and its size when a parameter of `shape` would hold more
 * than {@link MAX_WEIGHT_ELEMENTS} values; call it in `build` before the initializer allocates anything.
 */
export function checkWeightSize(layer: string, what: string, shape: readonly number[]): void {
  const size = shape.reduce((a, b) => a * b, 1);
  if (size > MAX_WEIGHT_ELEMENTS) {
    throw new SteadygradError(
      'OUT_OF_RANGE',
      `layer '${layer}': its ${what} of shape [${shape.join(', ')}] would hold ${size.toExponential(2)} values (${((size * 4) / 2 ** 30).toFixed(1)} GiB of float32); one weight may hold at most ${MAX_WEIGHT_ELEMENTS} (2^28) values`,
      { details: { layer, weight: what, shape: [...shape], size, max: MAX_WEIGHT_ELEMENTS } },
    );
  }
}
