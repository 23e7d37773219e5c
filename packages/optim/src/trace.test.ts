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

  it('a momentum schedule: t ← μ_t·t + u with μ_t = decay(count), count 0 first (float64 by hand)', () => {
    const schedule = (step: number) => [0.95, 0.5, 0, 0.8][step]!;
    for (const nesterov of [false, true]) {
      const t = [0, 0];
      const expected = grads.map((g, k) => {
        const mu = schedule(k);
        for (let i = 0; i < 2; i++) t[i] = mu * t[i]! + g[i]!;
        return nesterov ? t.map((v, i) => mu * v + g[i]!) : [...t];
      });
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => {
        const p: Params = { w: t1([0, 0]) };
        const tx = trace({ decay: schedule, nesterov });
        let s = tx.init(p);
        expect(s.count).toBe(0);
        const rows: number[][] = [];
        for (const g of grads) {
          const r = tx.update({ w: t1(g) }, s, p);
          rows.push(arr(r.updates.w!));
          s = r.state;
        }
        expect(s.count).toBe(4);
        return rows;
      });
      expect(tf.memory().numTensors).toBe(before);
      expect(allClose(out, expected)).toBe(true);
    }
  });

  it('a constant decay keeps the state it always had (no count)', () => {
    tf.tidy(() => {
      const tx = trace({ decay: 0.9 });
      const s = tx.init({ w: t1([1]) });
      expect(Object.keys(s)).toEqual(['trace']);
      expect(Object.keys(tx.update({ w: t1([1]) }, s, {}).state)).toEqual(['trace']);
    });
  });

  it('checks a schedule value when it is used', () => {
    tf.tidy(() => {
      const tx = trace({ decay: (step) => (step < 1 ? 0.9 : 1) });
      let s = tx.init({ w: t1([1]) });
      s = tx.update({ w: t1([1]) }, s, {}).state;
      expectError(
        () => tx.update({ w: t1([1]) }, s, {}),
        'INVALID_ARGUMENT',
        /momentum schedule value at step 1 must be a finite number >= 0 < 1, got 1/,
      );
    });
  });

  it('rejects decay outside [0, 1)', () => {
    expectError(
      () => trace({ decay: 1 }),
      'INVALID_ARGUMENT',
      /decay must be a finite number >= 0 < 1, got 1/,
    );
    expectError(() => trace({ decay: -0.1 }), 'INVALID_ARGUMENT', /decay must be .* got -0.1/);
    expectError(
      () => trace({ decay: '0.9' as unknown as number }),
      'INVALID_ARGUMENT',
      /decay must be a finite number >= 0 < 1 or a schedule \(step\) => number, got "0.9"/,
    );
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
