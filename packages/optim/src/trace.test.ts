import { type Params, tf } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { expectError } from './test-utils/expect-error.js';
import { allClose, arr, t1 } from './test-utils/values.js';
import { trace } from './trace.js';

const grads = [
  [1, -2],
  [0.5, 3],
  [-1, 1],
  [2, 0.25],
];

function run(nesterov: boolean): number[][] {
  return tf.tidy(() => {
    const p: Params = { w: t1([0, 0]) };
    const tx = trace({ decay: 0.9, nesterov });
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

describe('trace', () => {
  it('t ← μ·t + u, output t (float64 by hand)', () => {
    const t = [0, 0];
    const expected = grads.map((g) => {
      for (let i = 0; i < 2; i++) t[i] = 0.9 * t[i]! + g[i]!;
      return [...t];
    });
    expect(allClose(run(false), expected)).toBe(true);
  });

  it('Nesterov outputs μ·t + u', () => {
    const t = [0, 0];
    const expected = grads.map((g) => {
      for (let i = 0; i < 2; i++) t[i] = 0.9 * t[i]! + g[i]!;
      return t.map((v, i) => 0.9 * v + g[i]!);
    });
    expect(allClose(run(true), expected)).toBe(true);
  });

  it('rejects decay outside [0, 1)', () => {
    expectError(
      () => trace({ decay: 1 }),
      'INVALID_ARGUMENT',
      /decay must be a finite number >= 0 < 1, got 1/,
    );
    expectError(() => trace({ decay: -0.1 }), 'INVALID_ARGUMENT', /decay must be .* got -0.1/);
  });

  it('names the parameter it has no state for', () => {
    tf.tidy(() => {
      const tx = trace({ decay: 0.5 });
      const s = tx.init({ a: t1([1]) });
      expectError(
        () => tx.update({ b: t1([1]) }, s, {}),
        'NOT_FOUND',
        /trace has no state for parameter 'b'.*\[a\]/,
      );
    });
  });
});
