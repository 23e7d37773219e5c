import { RandomStream, type Tensor, tf } from '@steadygrad/core';
import { Dense, Flatten, type Layer, Sequential } from '@steadygrad/nn';

/** A small "model A": Flatten([4, 4]) → Dense 8 relu → Dense 6 relu → Dense 3 softmax. */
export function modelA(seed = 1, extra: readonly Layer[] = []): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [4, 4] }),
      new Dense(8, { activation: 'relu' }),
      ...extra,
      new Dense(6, { activation: 'relu' }),
      new Dense(3, { activation: 'softmax' }),
    ],
    { seed, name: 'model_a' },
  );
}

/** Random images [n, 4, 4] in [0, 1) and binary labels (mean pixel above 0.5) as float32 [n, 1]. */
export function binaryData(n: number, seed = 7): { x: Tensor; y: Tensor } {
  const rng = new RandomStream(seed);
  const values = rng.fillUniform(n * 16, 0, 1);
  const labels = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 16; j++) s += values[i * 16 + j] as number;
    labels[i] = s / 16 > 0.5 ? 1 : 0;
  }
  return { x: tf.tensor3d(values, [n, 4, 4]), y: tf.tensor2d(labels, [n, 1]) };
}

/** Host copies of every parameter value, by parameter name. */
export function snapshot(params: readonly { name: string; variable: Tensor }[]): Map<string, Float32Array> {
  return new Map(params.map((p) => [p.name, (p.variable.dataSync() as Float32Array).slice()]));
}

/** The host values of a list of parameters (in order). */
export function values(params: readonly { variable: Tensor }[]): Float32Array[] {
  return params.map((p) => (p.variable.dataSync() as Float32Array).slice());
}
