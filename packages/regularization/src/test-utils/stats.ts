import { RandomStream, type Tensor, tf } from '@steadygrad/core';
import type { Layer, Shape } from '@steadygrad/nn';

/** Builds a standalone layer for `[null, ...sampleShape]`. */
export function built<L extends Layer>(layer: L, sampleShape: readonly number[], seed = 0): L {
  layer.build([null, ...sampleShape] as Shape, new RandomStream(seed));
  return layer;
}

/** Runs `layer` on `x` and reads the output back (freeing it). */
export function run(layer: Layer, x: Tensor, ctx: Record<string, unknown>): Float32Array {
  const y = layer.apply(x, ctx);
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return v;
}

/** Sample mean, variance (population) and fourth central moment. */
export function moments(v: ArrayLike<number>): { mean: number; variance: number; m4: number } {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i] as number;
  const mean = s / n;
  let s2 = 0;
  let s4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (v[i] as number) - mean;
    s2 += d * d;
    s4 += d * d * d * d;
  }
  return { mean, variance: s2 / n, m4: s4 / n };
}

/** `n` standard normals as a tensor (host-drawn, seeded). */
export function standardNormal(shape: number[], seed: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(new RandomStream(seed).fillNormal(n), shape, 'float32');
}
