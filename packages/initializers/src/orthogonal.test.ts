import { isSteadygradError, RandomStream } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { orthogonal, orthonormalColumns } from './orthogonal.js';
import { draw } from './test-utils/draw.js';

/** (rows × cols)ᵀ (rows × cols) for a row-major matrix, in float64. */
function gram(w: ArrayLike<number>, rows: number, cols: number, transpose: boolean): number[][] {
  const size = transpose ? rows : cols;
  const g = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      let s = 0;
      if (transpose) for (let k = 0; k < cols; k++) s += w[a * cols + k]! * w[b * cols + k]!;
      else for (let k = 0; k < rows; k++) s += w[k * cols + a]! * w[k * cols + b]!;
      g[a]![b] = s;
    }
  }
  return g;
}

function expectScaledIdentity(g: number[][], value: number, tol: number): void {
  for (let i = 0; i < g.length; i++) {
    for (let j = 0; j < g.length; j++) expect(Math.abs(g[i]![j]! - (i === j ? value : 0))).toBeLessThan(tol);
  }
}

describe('orthogonal', () => {
  it('tall and square kernels: Wᵀ W = gain² I', () => {
    for (const [shape, gain] of [
      [[20, 8], 1],
      [[16, 16], 1.5],
      [[3, 3, 4, 8], 2], // conv: flattened to 36 × 8
    ] as const) {
      const w = draw(orthogonal({ gain }), shape, 4);
      const cols = shape[shape.length - 1]!;
      const rows = w.length / cols;
      expectScaledIdentity(gram(w, rows, cols, false), gain ** 2, 1e-5 * gain ** 2);
    }
  });

  it('wide kernels: W Wᵀ = gain² I (rows orthonormal)', () => {
    const w = draw(orthogonal({ gain: 0.5 }), [5, 12], 4);
    expectScaledIdentity(gram(w, 5, 12, true), 0.25, 1e-6);
  });

  it('the QR is sign-corrected: R = Qᵀ A is upper triangular with a positive diagonal and Q R = A', () => {
    const m = 7;
    const n = 4;
    const rng = new RandomStream(5);
    const a = Float64Array.from(rng.fillNormal(m * n));
    const q = orthonormalColumns(a, m, n);
    const r: number[][] = [];
    for (let i = 0; i < n; i++) {
      r.push([]);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += q[k * n + i]! * a[k * n + j]!;
        r[i]!.push(s);
      }
    }
    for (let i = 0; i < n; i++) {
      expect(r[i]![i]!).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(Math.abs(r[i]![j]!)).toBeLessThan(1e-12);
    }
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += q[k * n + i]! * r[i]![j]!;
        expect(s).toBeCloseTo(a[k * n + j]!, 12);
      }
    }
  });

  it('is deterministic by seed, named and configured as in Keras', () => {
    const init = orthogonal();
    expect(init.name).toBe('orthogonal');
    expect(init.config).toEqual({ gain: 1 });
    expect(draw(init, [6, 4], 1)).toEqual(draw(init, [6, 4], 1));
    expect(draw(init, [6, 4], 1)).not.toEqual(draw(init, [6, 4], 2));
  });

  it('rejects fewer than 2 dimensions and a non-positive gain', () => {
    let caught: unknown;
    try {
      orthogonal().init([5], new RandomStream(0));
    } catch (e) {
      caught = e;
    }
    expect(isSteadygradError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as Error).message).toMatch(/orthogonal: shape must have at least 2 dimensions, got \[5\]/);
    expect(() => orthogonal({ gain: 0 })).toThrow(/orthogonal gain must be a finite number > 0, got 0/);
  });
});
