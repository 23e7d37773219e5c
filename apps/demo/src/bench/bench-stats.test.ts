import { describe, expect, it } from 'vitest';
import { markdownTable, median, ratios, summarize } from './bench-stats.js';
import type { BenchRun } from './bench-types.js';

function run(system: string, backend: string, batchSize: number, epochSeconds: number, infer = 1): BenchRun {
  return {
    system,
    backend,
    batchSize,
    samples: 60000,
    epochSeconds,
    samplesPerSecond: 60000 / epochSeconds,
    testAccuracy: 0.85,
    inferenceSeconds: infer,
    peakRssMb: 100,
    tensorsLeaked: system === 'pytorch' ? null : 0,
    tensorsAlive: system === 'pytorch' ? null : 30,
    extrapolated: false,
  };
}

describe('bench statistics', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes repetitions by median and computes the issue ratios', () => {
    const runs = [
      run('steadygrad', 'wasm', 32, 4),
      run('steadygrad', 'wasm', 32, 3),
      run('steadygrad', 'wasm', 32, 5),
      run('tfjs-layers', 'wasm', 32, 36, 2),
      run('pytorch', 'cpu-1-thread', 32, 2),
      run('steadygrad', 'wasm', 256, 2),
      run('tfjs-layers', 'wasm', 256, 30),
    ];
    const s = summarize(runs);
    const sg = s.find((r) => r.system === 'steadygrad' && r.batchSize === 32);
    expect(sg?.epochSeconds).toBe(4);
    expect(sg?.repetitions).toBe(3);
    const r = ratios(s);
    expect(r.vsTfjsLayers.batch32).toBeCloseTo(9, 10);
    expect(r.vsTfjsLayers.batch256).toBeCloseTo(15, 10);
    expect(r.epochTimeVsPytorch.batch32).toBeCloseTo(2, 10);
    expect(r.epochTimeVsPytorch.batch256).toBeNull();
    expect(r.inferenceVsTfjsLayers.batch32).toBeCloseTo(2, 10);
    const table = markdownTable(s, r);
    expect(table).toContain('| steadygrad | wasm | 32 | 15000 | 4.00 |');
    expect(table).toContain('| steadygrad ÷ PyTorch epoch time | 2.00 | — | ≤ 1.5 |');
  });
});
