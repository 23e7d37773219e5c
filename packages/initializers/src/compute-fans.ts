import { checkShape } from './shape.js';

/** Fan-in and fan-out of a weight shape. */
export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

/**
 * Fan-in and fan-out of a weight shape, Keras 3 rules (`keras.src.initializers.random_initializers.compute_fans`):
 *
 * - scalar `[]`: `fanIn = fanOut = 1`;
 * - vector `[n]`: `fanIn = fanOut = n` (a bias, or a per-unit scale);
 * - dense kernel `[in, out]`: `fanIn = in`, `fanOut = out`;
 * - convolution kernel `[...receptive, in, out]` (channels-last, Keras layout): with
 *   `receptive = ∏ receptive dims`, `fanIn = in · receptive`, `fanOut = out · receptive`.
 *
 * PyTorch (`torch.nn.init._calculate_fan_in_and_fan_out`) stores kernels as `[out, in, ...receptive]` and gives
 * the same numbers for the same layer; it refuses tensors with fewer than 2 dimensions, where Keras uses the
 * rules above.
 */
export function computeFans(shape: readonly number[]): Fans {
  const s = checkShape('computeFans', shape);
  if (s.length === 0) return { fanIn: 1, fanOut: 1 };
  if (s.length === 1) return { fanIn: s[0]!, fanOut: s[0]! };
  let receptive = 1;
  for (let i = 0; i < s.length - 2; i++) receptive *= s[i]!;
  return { fanIn: s[s.length - 2]! * receptive, fanOut: s[s.length - 1]! * receptive };
}
