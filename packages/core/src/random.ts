import { SteadygradError } from './errors.js';
import { checkNumber } from './validate.js';

/**
 * Seeded random streams. Every random draw in steadygrad (initializers, dropout masks, shuffling) takes a
 * `RandomStream` or a seed, so a run can be replayed bit for bit, and the stream's state is a plain array
 * that a checkpoint stores, so a resumed run continues the same sequence.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 128 bits of state, seeded through splitmix32.
 * Normals: Box–Muller on two uniforms in (0, 1]; one normal per pair of uniforms (no cached spare, so the
 * state is the four words alone).
 */
export type RandomState = readonly [number, number, number, number];

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/**
 * A seeded random stream (xoshiro128** seeded through splitmix32): the same seed gives the same numbers on
 * every platform, `fork()` derives independent streams, and `getState()`/`setState()` save and restore it
 * (checkpoints). Every random draw in steadygrad takes a `RandomStream` or a seed.
 */
export class RandomStream {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /** @param seed any integer in [0, 2^32). */
  constructor(seed: number) {
    checkNumber('seed', seed, { min: 0, max: 0xffffffff, integer: true });
    const sm = splitmix32(seed);
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u1 = (this.nextUint32() + 1) / 4294967297; // (0, 1)
    const u2 = this.nextUint32() / 4294967296;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    checkNumber('n', n, { min: 1, max: 0x100000000, integer: true });
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** `n` uniform draws in `[low, high)` as a Float32Array. */
  fillUniform(n: number, low = 0, high = 1): Float32Array {
    const out = new Float32Array(n);
    const span = high - low;
    for (let i = 0; i < n; i++) out[i] = low + span * this.uniform();
    return out;
  }

  /** `n` normal draws with mean `mean` and standard deviation `std` as a Float32Array. */
  fillNormal(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Normal draws re-drawn until they fall within ±2 std of the mean (Keras/TF truncated normal). */
  fillTruncatedNormal(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let z = this.normal();
      while (z < -2 || z > 2) z = this.normal();
      out[i] = mean + std * z;
    }
    return out;
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** An independent child stream, derived from (and advancing) this one. */
  fork(): RandomStream {
    return new RandomStream(this.nextUint32());
  }

  /** A fresh integer seed drawn from this stream. */
  nextSeed(): number {
    return this.nextUint32();
  }

  /** The 128-bit state as four uint32 words (a copy): save it to resume the stream later. */
  getState(): RandomState {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** Restores a state saved by `getState`. */
  setState(state: RandomState): void {
    const words: readonly unknown[] = Array.isArray(state) ? state : [];
    if (
      words.length !== 4 ||
      words.some((w) => !Number.isInteger(w) || (w as number) < 0 || (w as number) > 0xffffffff)
    ) {
      throw new SteadygradError(
        'INVALID_ARGUMENT',
        `RandomStream state must be four uint32 words, got ${JSON.stringify(state)}`,
      );
    }
    if (state.every((w) => w === 0))
      throw new SteadygradError('INVALID_ARGUMENT', 'RandomStream state must not be all zeros');
    [this.s0, this.s1, this.s2, this.s3] = state as RandomState;
  }

  /** An independent copy at the same position: both produce the same numbers from here on. */
  clone(): RandomStream {
    const r = new RandomStream(0);
    r.setState(this.getState());
    return r;
  }
}

/** A seed or a stream: what every random API accepts. */
export type SeedLike = number | RandomStream;

/** Turns a seed into a stream; passes a stream through (so callers share its sequence). */
export function toStream(seed: SeedLike): RandomStream {
  return typeof seed === 'number' ? new RandomStream(seed) : seed;
}
