import { optionKeys, RandomStream, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { type CallContext, LAYER_KEYS, Layer, type LayerOptions, type Shape } from '@steadygrad/nn';

/**
 * nn's `CallContext`, which carries the MC-dropout switch itself (this name is kept for compatibility).
 * `mcDropout: true` makes the dropout-like layers of this package draw their noise while `training` stays
 * `false`, so every other layer (batch normalization in particular, whose moving statistics must not move)
 * runs in inference mode; nn's `Layer.apply` and `Sequential.apply` pass it through. {@link mcPredict} sets it.
 */
export type RegularizationCallContext = CallContext;

/** Options every layer of this package accepts. */
export interface StochasticLayerOptions extends LayerOptions {
  /**
   * Seed of the layer's own random stream, used when the call context brings no `rng` (fit passes one;
   * a bare `layer.apply(x, { training: true })` does not). Default: a stream forked from the `rng` the
   * layer is built with, so a `Sequential`'s seed fixes it.
   */
  readonly seed?: number;
}

export const STOCHASTIC_KEYS = optionKeys<StochasticLayerOptions>()(['seed', ...LAYER_KEYS]);

/** A mask/noise shape: one entry per input axis, `null` = the input's size on that axis. */
export type NoiseShape = readonly (number | null)[];

/**
 * Base of the noise layers (dropout and friends): identity at inference, noise when `ctx.training` or
 * `ctx.mcDropout` is true. Noise is drawn on the host from a `RandomStream` — `ctx.rng` when the caller
 * gives one, else the layer's own seeded stream — and uploaded as one tensor per call.
 */
export abstract class StochasticLayer extends Layer {
  readonly seed: number | undefined;
  private _stream: RandomStream | undefined;

  constructor(options: StochasticLayerOptions = {}) {
    super(options);
    const { seed } = options;
    if (
      seed !== undefined &&
      (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    ) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `seed must be an integer in [0, 2^32), got ${JSON.stringify(seed)}`,
        { details: { seed } },
      );
    }
    this.seed = seed;
    if (seed !== undefined) this._stream = new RandomStream(seed);
  }

  override build(inputShape: Shape, rng: RandomStream): void {
    this._stream ??= rng.fork();
    super.build(inputShape, rng);
  }

  /** Whether this call draws noise: in training, or under MC dropout. */
  protected isActive(ctx: RegularizationCallContext): boolean {
    return ctx.training || ctx.mcDropout === true;
  }

  /** The stream noise is drawn from on this call. */
  protected streamFor(ctx: CallContext): RandomStream {
    if (ctx.rng !== undefined) return ctx.rng;
    this._stream ??= new RandomStream(0);
    return this._stream;
  }

  call(x: Tensor, ctx: RegularizationCallContext): Tensor {
    if (!this.isActive(ctx) || this.isNoOp()) return tf.clone(x);
    const input = x.dtype === 'float32' ? x : tf.cast(x, 'float32');
    try {
      return this.noisy(input, this.streamFor(ctx));
    } finally {
      if (input !== x) input.dispose();
    }
  }

  /** True when the layer's noise is trivially absent (rate 0, stddev 0). */
  protected abstract isNoOp(): boolean;

  /** The training-time output for a float32 input; returns one new tensor, frees its intermediates. */
  protected abstract noisy(x: Tensor, rng: RandomStream): Tensor;

  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    if (this.seed !== undefined) config.seed = this.seed;
    return config;
  }
}

/**
 * Resolves a noise shape against the input's shape: `null` entries take the input's size; every entry
 * must be 1 (broadcast) or the input's size. `undefined` means the input's shape.
 */
export function resolveNoiseShape(
  layer: string,
  noiseShape: NoiseShape | undefined,
  shape: readonly number[],
): number[] {
  if (noiseShape === undefined) return [...shape];
  if (noiseShape.length !== shape.length) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `layer '${layer}': noiseShape [${noiseShape.join(', ')}] must have one entry per input axis, input has shape [${shape.join(', ')}]`,
      { details: { noiseShape: [...noiseShape], shape: [...shape] } },
    );
  }
  return noiseShape.map((d, i) => {
    const size = shape[i] as number;
    if (d === null) return size;
    if (d !== 1 && d !== size) {
      throw new SteadygradError(
        'SHAPE_MISMATCH',
        `layer '${layer}': noiseShape entry ${i} must be null, 1 or the input's size ${size}, got ${d}`,
        { details: { noiseShape: [...noiseShape], shape: [...shape] } },
      );
    }
    return d;
  });
}

/** Checks a `noiseShape` option: an array of positive integers or nulls. */
export function checkNoiseShapeOption(noiseShape: unknown): NoiseShape | undefined {
  if (noiseShape === undefined) return undefined;
  if (
    !Array.isArray(noiseShape) ||
    noiseShape.some((d) => d !== null && (typeof d !== 'number' || !Number.isInteger(d) || d < 1))
  ) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `noiseShape must be an array of positive integers or null (null = the input's size), got ${JSON.stringify(noiseShape)}`,
      { details: { noiseShape } },
    );
  }
  return Object.freeze([...noiseShape]);
}

const TWO_32 = 4294967296;

/**
 * `n` values, each `keep` with probability `1 − rate` and `drop` otherwise: a uniform `u ∈ [0, 1)` (32
 * bits) keeps its unit when `u ≥ rate`, as TensorFlow's dropout does.
 *
 * Speed: the stream's xoshiro128** step is run inline on local variables (state read with `getState()`,
 * written back with `setState()`), which draws exactly the words `rng.nextUint32()` would — same values,
 * same final state — about three times faster than a method call per unit.
 */
export function bernoulliMask(
  n: number,
  rate: number,
  keep: number,
  drop: number,
  rng: RandomStream,
): Float32Array {
  const out = new Float32Array(n);
  if (n === 0) return out;
  const threshold = rate * TWO_32;
  let [s0, s1, s2, s3] = rng.getState();
  for (let i = 0; i < n; i++) {
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = (s3 << 11) | (s3 >>> 21);
    out[i] = result >= threshold ? keep : drop;
  }
  rng.setState([s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0]);
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
