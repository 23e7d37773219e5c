import { describe, expect, it } from 'vitest';
import { markdownTable, median, pairedRatios, ratios, summarize } from './bench-stats.js';
import type { BenchRun } from './bench-types.js';

function run(
  system: string,
  backend: string,
  batchSize: number,
  epochSeconds: number,
  infer = 1,
  threads = 1,
): BenchRun {
  return {
    system,
    backend,
    threads,
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
      run('pytorch', 'cpu', 32, 2),
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
    expect(table).toContain('| steadygrad | wasm | 1 | 32 | 15000 | 4.00 |');
    expect(table).toContain('| steadygrad ÷ PyTorch epoch time (1 thread each) | 2.00 | — | ≤ 1.5 |');
    expect(r.epochTimeVsPytorchSameThreads).toEqual({ batch32: null, batch256: null });
  });

  it('pairs the systems of each repetition: a drifting machine moves both sides of a ratio together', () => {
    // steadygrad is 10× tfjs-layers and 1.25× PyTorch whenever both run at the same machine speed. Repetition 0
    // runs slow, repetition 1 fast, and in repetition 2 the machine slows down after steadygrad's run.
    const reps = [
      { sg: 8, tl: 80, pt: 6.4 },
      { sg: 4, tl: 40, pt: 3.2 },
      { sg: 4.2, tl: 84, pt: 3.36 },
    ];
    const runs = reps.flatMap(({ sg, tl, pt }, repetition) => [
      { ...run('steadygrad', 'wasm', 32, sg), repetition },
      { ...run('tfjs-layers', 'wasm', 32, tl), repetition },
      { ...run('pytorch', 'cpu', 32, pt), repetition },
      // A threaded steadygrad row must not be taken for the one-thread one.
      { ...run('steadygrad', 'wasm', 32, 1, 1, 2), repetition },
    ]);
    // Repetition 2 has no tfjs-layers row at batch 256: only two pairs there.
    runs.push(
      { ...run('steadygrad', 'wasm', 256, 2), repetition: 0 },
      { ...run('tfjs-layers', 'wasm', 256, 30), repetition: 0 },
      { ...run('steadygrad', 'wasm', 256, 2), repetition: 1 },
      { ...run('tfjs-layers', 'wasm', 256, 40), repetition: 1 },
      { ...run('steadygrad', 'wasm', 256, 2), repetition: 2 },
    );
    const p = pairedRatios(runs);
    expect(p.vsTfjsLayers.batch32).toBeCloseTo(10, 10); // median of 10, 10 and 20
    expect(p.epochTimeVsPytorchOneThread.batch32).toBeCloseTo(1.25, 10);
    expect(p.vsTfjsLayers.batch256).toBeCloseTo(17.5, 10); // median of 15 and 20
    expect(p.epochTimeVsPytorchOneThread.batch256).toBeNull();
    expect(p.repetitions).toBe(2);
    // The ratio of the medians pairs steadygrad's 4.2 s with tfjs-layers' 80 s.
    const s = summarize(runs);
    expect(ratios(s).vsTfjsLayers.batch32).toBeCloseTo(80 / 4.2, 10);
    const table = markdownTable(s, ratios(s), p);
    expect(table).toContain(
      '| steadygrad ÷ tfjs-layers samples/s, paired (median over repetitions of the ratio within each) | 10.00 | 17.50 | ≥ 10 |',
    );
  });

  it('keeps thread counts apart and states which threads each PyTorch ratio compares', () => {
    const runs = [
      run('steadygrad', 'wasm', 256, 4.5, 0.3, 1),
      run('steadygrad', 'wasm', 256, 3, 0.2, 2),
      run('steadygrad', 'wasm', 256, 3.2, 0.2, 2),
      run('tfjs-layers', 'wasm', 256, 63, 0.6, 1),
      run('pytorch', 'cpu', 256, 2.5, 0.1, 1),
      run('pytorch', 'cpu', 256, 1.5, 0.1, 2),
    ];
    const s = summarize(runs);
    expect(s).toHaveLength(5);
    expect(s.find((x) => x.system === 'steadygrad' && x.threads === 2)?.epochSeconds).toBeCloseTo(3.1, 10);
    const r = ratios(s, 'wasm', 2);
    expect(r.threads).toBe(2);
    expect(r.vsTfjsLayers.batch256).toBeCloseTo(63 / 4.5, 10); // one thread each
    expect(r.epochTimeVsPytorch.batch256).toBeCloseTo(3.1 / 2.5, 10); // steadygrad on 2, PyTorch on 1
    expect(r.epochTimeVsPytorchOneThread.batch256).toBeCloseTo(4.5 / 2.5, 10);
    expect(r.epochTimeVsPytorchSameThreads.batch256).toBeCloseTo(3.1 / 1.5, 10);
    expect(r.inferenceVsTfjsLayers.batch256).toBeCloseTo(2, 10);
    expect(r.epochTimeVsPytorch.batch32).toBeNull();
    const table = markdownTable(s, r);
    expect(table).toContain(
      "| steadygrad on 2 threads ÷ PyTorch on 1 thread, epoch time | — | 1.24 | ≤ 1.5 (the issue's peer: PyTorch on 1 thread) |",
    );
    expect(table).toContain('| steadygrad ÷ PyTorch epoch time, both on 1 thread | — | 1.80 | — |');
    expect(table).toContain('| steadygrad ÷ PyTorch epoch time, both on 2 threads | — | 2.07 | — |');
    expect(table).toContain('| pytorch | cpu | 2 | 256 | 40000 | 1.50 |');
  });
});
