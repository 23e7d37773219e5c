import { type GradientTransformation, type Params, tf } from '@steadygrad/core';
import { arr, t1 } from './values.js';

/** Runs a one-parameter transformation over a gradient sequence; returns each step's output (no leaks). */
export function runBlock<S>(
  tx: GradientTransformation<S>,
  grads: number[][],
  w: number[] = grads[0]!.map(() => 1),
): number[][] {
  return tf.tidy(() => {
    const p: Params = { w: t1(w) };
    let s = tx.init(p);
    const out: number[][] = [];
    for (const g of grads) {
      const r = tx.update({ w: t1(g) }, s, p);
      out.push(arr(r.updates.w!));
      s = r.state;
    }
    return out;
  });
}

export const GRADS = [
  [1, -2, 0.5],
  [0.5, 3, -0.25],
  [-1, 1, 2],
  [2, 0.25, -3],
];
