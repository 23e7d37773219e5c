import { type Tensor, tf } from '@steadygrad/core';

/**
 * Central finite differences of a scalar function of one tensor, computed value by value:
 * `(f(t + h·e_i) − f(t − h·e_i)) / 2h`. `f` receives a fresh tensor and must not keep it.
 */
export function numericGradient(f: (t: Tensor) => number, at: Tensor, h = 1e-2): Float32Array {
  const base = at.dataSync().slice();
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const v = base[i] as number;
    base[i] = v + h;
    const plus = tf.tensor(base, at.shape);
    const fp = f(plus);
    plus.dispose();
    base[i] = v - h;
    const minus = tf.tensor(base, at.shape);
    const fm = f(minus);
    minus.dispose();
    base[i] = v;
    out[i] = (fp - fm) / (2 * h);
  }
  return out;
}

/** Largest |a − b| / max(1, |b|) over all entries. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(y)));
  }
  return worst;
}
