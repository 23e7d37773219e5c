import { describe, expect, it } from 'vitest';
import { restartPosition } from './restart-position.js';

// Independent reference: walk the periods one by one.
function walk(t: number, t0: number, mult: number): { index: number; fraction: number } {
  let start = 0;
  let len = t0;
  let index = 0;
  while (t >= start + len) {
    start += len;
    len *= mult;
    index++;
  }
  return { index, fraction: (t - start) / len };
}

describe('restartPosition', () => {
  it.each([
    [10, 1],
    [10, 2],
    [3, 3],
    [1, 3],
    [7, 1.5],
    [1, 10],
  ])('T0 %f, mult %f: period index and fraction match a period-by-period walk', (t0, mult) => {
    for (let k = 0; k < 2000; k++) {
      const t = k * 0.25;
      const got = restartPosition(t, t0, mult);
      const want = walk(t, t0, mult);
      expect(got.index, `t = ${t}`).toBe(want.index);
      expect(Math.abs(got.fraction - want.fraction), `t = ${t}`).toBeLessThanOrEqual(1e-12);
    }
  });

  it('puts every restart step at the start of its period, where the bare logarithm rounds down', () => {
    // Period 3 of T0 = 1, mult = 10 starts at 1 + 10 + 100 = 111, but log(1 + 111 · 9) / log(10) =
    // log(1000) / log(10) = 2.9999999999999996 in float64.
    expect(Math.floor(Math.log(1000) / Math.log(10))).toBe(2);
    expect(restartPosition(111, 1, 10)).toEqual({ index: 3, fraction: 0 });
    expect(restartPosition(110.5, 1, 10)).toEqual({ index: 2, fraction: 0.995 });
  });
});
