import { SteadygradError } from '@steadygrad/core';
import { formatShape, LAYER_KEYS, type Shape } from './layer.js';

/** Keras padding modes of the 2-D convolution and pooling layers. */
export type Padding = 'valid' | 'same';

/** The option keys every layer accepts (for `checkOptions`). */
export const LAYER_OPTION_KEYS = LAYER_KEYS;

/**
 * A Keras "int or tuple" argument (`kernel_size=3` or `(3, 3)`) as a tuple of `n` positive integers.
 * Throws `INVALID_ARGUMENT` naming the layer and the option.
 */
export function toTuple(where: string, option: string, value: unknown, n: number): number[] {
  const ok = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  if (ok(value)) return Array.from({ length: n }, () => value as number);
  if (Array.isArray(value) && value.length === n && value.every(ok)) return [...(value as number[])];
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `${where}: ${option} must be a positive integer or an array of ${n} positive integers, got ${JSON.stringify(value)}`,
    { details: { where, option, value } },
  );
}

/** Checks a padding option against the modes `allowed`. */
export function checkPadding<T extends string>(where: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new SteadygradError(
    'INVALID_ARGUMENT',
    `${where}: padding must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(value)}`,
    { details: { where, option: 'padding', value } },
  );
}

/** Keras 3 rejects `strides > 1` together with `dilation_rate > 1`; so does tfjs. */
export function checkStridesDilation(where: string, strides: number[], dilation: number[]): void {
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `${where}: strides > 1 cannot be combined with dilationRate > 1 (Keras 3 and tfjs refuse it too), got strides [${strides.join(', ')}] and dilationRate [${dilation.join(', ')}]`,
      { details: { where, strides, dilationRate: dilation } },
    );
  }
}

/**
 * Keras' `conv_output_length`: the size of one spatial axis after a convolution or pooling window of size
 * `k` with dilation `d` (effective size `(k - 1)·d + 1`) and stride `s`:
 * `'valid'`: `⌊(n − k_eff) / s⌋ + 1`; `'same'` (and `'causal'`): `⌈n / s⌉`. `null` stays `null`.
 */
export function convOutputLength(
  n: number | null,
  k: number,
  padding: Padding | 'causal',
  s: number,
  d = 1,
): number | null {
  if (n === null) return null;
  const kEff = (k - 1) * d + 1;
  return padding === 'valid' ? Math.floor((n - kEff) / s) + 1 : Math.ceil(n / s);
}

/**
 * TensorFlow's 'SAME' padding of one axis (Keras and tfjs follow it): `total = max((⌈n/s⌉ − 1)·s + k_eff − n, 0)`,
 * `before = ⌊total / 2⌋`, the odd pixel after. PyTorch's `padding='same'` (stride 1 only) agrees.
 */
export function samePadding(n: number, kEff: number, s: number): [number, number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + kEff - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Checks, at build time, that a layer gets an input of `rank` (batch included) and that each windowed
 * spatial axis is at least the effective window for `'valid'` padding. Throws `SHAPE_MISMATCH` naming the layer.
 */
export function checkWindowedInput(
  layer: { readonly name: string; readonly className: string },
  inputShape: Shape,
  rank: number,
  windows: readonly { readonly axis: number; readonly size: number }[],
  padding: Padding | 'causal',
  what: string,
): void {
  const desc = `layer '${layer.name}' (${layer.className})`;
  if (inputShape.length !== rank) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${desc} needs an input of rank ${rank} (${what}), got ${formatShape(inputShape)} (rank ${inputShape.length})`,
      { details: { layer: layer.name, expectedRank: rank, got: [...inputShape] } },
    );
  }
  const channels = inputShape[rank - 1];
  if (typeof channels !== 'number') {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `${desc} needs a known channel axis, got ${formatShape(inputShape)}`,
      { details: { layer: layer.name, got: [...inputShape] } },
    );
  }
  if (padding !== 'valid') return;
  for (const { axis, size } of windows) {
    const n = inputShape[axis];
    if (typeof n === 'number' && n < size) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `${desc}: its window (${size} on axis ${axis}, dilation included) is larger than the input (${n}) with padding 'valid'; use padding 'same', a smaller kernel, or a larger input`,
        { details: { layer: layer.name, axis, window: size, input: n, got: [...inputShape] } },
      );
    }
  }
}
