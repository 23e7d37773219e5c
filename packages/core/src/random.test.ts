import { describe, expect, it } from 'vitest';
import { SteadygradError } from './errors.js';
import { RandomStream, toStream } from './random.js';

describe('RandomStream', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new RandomStream(42);
    const b = new RandomStream(42);
    const c = new RandomStream(43);
    const xa = Array.from({ length: 8 }, () => a.nextUint32());
    const xb = Array.from({ length: 8 }, () => b.nextUint32());
    const xc = Array.from({ length: 8 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(xa.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('matches the xoshiro128** reference sequence for a known state', () => {
    // Reference: xoshiro128** with state [1, 2, 3, 4] produces 11520, 0, 5927040, 70819200, ... (Vigna's C code).
    const r = new RandomStream(0);
    r.setState([1, 2, 3, 4]);
    expect([r.nextUint32(), r.nextUint32(), r.nextUint32(), r.nextUint32()]).toEqual([
      11520, 0, 5927040, 70819200,
    ]);
  });

  it('draws uniforms with the right moments', () => {
    const n = 200_000;
    const u = new RandomStream(1).fillUniform(n);
    let s = 0;
    let s2 = 0;
    for (const v of u) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    // mean of U(0,1) is 1/2 with std 1/sqrt(12 n); variance 1/12.
    expect(Math.abs(mean - 0.5)).toBeLessThan(5 / Math.sqrt(12 * n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
    expect(u.reduce((m, v) => Math.min(m, v), 1)).toBeGreaterThanOrEqual(0);
    expect(u.reduce((m, v) => Math.max(m, v), 0)).toBeLessThan(1);
  });

  it('draws standard normals with mean 0 and variance 1', () => {
    const n = 200_000;
    const z = new RandomStream(2).fillNormal(n);
    let s = 0;
    let s2 = 0;
    for (const v of z) {
      s += v;
      s2 += v * v;
    }
    const mean = s / n;
    const variance = s2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    // var of the sample variance of N(0,1) is 2/n
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });

  it('truncated normals stay within two standard deviations', () => {
    const z = new RandomStream(3).fillTruncatedNormal(50_000, 1, 0.5);
    expect(z.reduce((m, v) => Math.min(m, v), 1)).toBeGreaterThanOrEqual(0);
    expect(z.reduce((m, v) => Math.max(m, v), 1)).toBeLessThanOrEqual(2);
  });

  it('permutations contain every index once and are seeded', () => {
    const p = new RandomStream(4).permutation(1000);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(new RandomStream(4).permutation(1000)).toEqual(p);
    expect(new RandomStream(5).permutation(1000)).not.toEqual(p);
  });

  it('int(n) is unbiased over a small range', () => {
    const r = new RandomStream(6);
    const counts = [0, 0, 0];
    const n = 30_000;
    for (let i = 0; i < n; i++) counts[r.int(3)]!++;
    for (const c of counts) expect(Math.abs(c - n / 3)).toBeLessThan(5 * Math.sqrt((n * 2) / 9));
  });

  it('state round-trips so a restored stream continues the same sequence', () => {
    const r = new RandomStream(7);
    r.fillUniform(10);
    const saved = r.getState();
    const next = r.fillNormal(5);
    const restored = new RandomStream(0);
    restored.setState(saved);
    expect(restored.fillNormal(5)).toEqual(next);
    expect(r.clone().getState()).toEqual(r.getState());
  });

  it('forks are independent of later draws of the parent', () => {
    const r = new RandomStream(8);
    const child = r.fork();
    const first = child.nextUint32();
    const r2 = new RandomStream(8);
    expect(r2.fork().nextUint32()).toBe(first);
    expect(toStream(r)).toBe(r);
    expect(toStream(9).getState()).toEqual(new RandomStream(9).getState());
  });

  it('rejects bad seeds and states with a typed error', () => {
    expect(() => new RandomStream(-1)).toThrow(SteadygradError);
    expect(() => new RandomStream(1.5)).toThrow(/seed must be an integer >= 0/);
    expect(() => new RandomStream(0).setState([0, 0, 0, 0])).toThrow(/all zeros/);
    expect(() => new RandomStream(0).setState([1, 2, 3] as never)).toThrow(/four uint32 words/);
  });
});
