import type { HostKernel } from '../runtime/host-kernel.js';
import { hostSimd, pointer } from '../runtime/simd-module.js';

interface GatherBytesAttrs {
  /** The source samples, `sampleSize` bytes each. */
  readonly values: Uint8Array;
  /** The samples to take, in order (validated by the caller). */
  readonly indices: ArrayLike<number>;
  readonly sampleSize: number;
  readonly scale: number;
  readonly offset: number;
}

/**
 * A batch of byte samples (e.g. `uint8` pixels) as float32, in ONE kernel: `out[i·S + j] = f32(values[
 * indices[i]·S + j]·scale + offset)` (float64 arithmetic, rounded once: the `arraySource` formula). On the wasm
 * backend the selected rows are copied as bytes into the last quarter of the output's own memory and
 * converted in place by core's WebAssembly loop (`bytesToF32`); elsewhere one JavaScript loop.
 * No tensor inputs: the samples come in the attributes. Output shape `[indices.length · S]`.
 */
export const gatherBytesKernel: HostKernel<GatherBytesAttrs> = {
  name: 'SteadygradGatherBytes',
  inputs: [],
  outputs: ['out'],
  outputShapes: (_s, a) => ({ out: [a.indices.length * a.sampleSize] }),
  compute(_i, o, _s, { values, indices, sampleSize, scale, offset }) {
    const out = o.out as Float32Array;
    const n = indices.length;
    const count = n * sampleSize;
    const simd = hostSimd(out);
    if (simd !== undefined) {
      const bytes = new Uint8Array(out.buffer, out.byteOffset + 3 * count, count);
      for (let i = 0; i < n; i++) {
        const base = (indices[i] as number) * sampleSize;
        bytes.set(values.subarray(base, base + sampleSize), i * sampleSize);
      }
      simd.bytesToF32(pointer(out), count, scale, offset);
      return;
    }
    for (let i = 0; i < n; i++) {
      const base = (indices[i] as number) * sampleSize;
      const dst = i * sampleSize;
      for (let j = 0; j < sampleSize; j++) out[dst + j] = (values[base + j] as number) * scale + offset;
    }
  },
};
