import { describe, expect, it } from 'vitest';
import { summarizeWeb, webRatios } from './web-bench-stats.js';
import type { WebBenchRun } from './web-bench-types.js';

function run(
  system: WebBenchRun['system'],
  backend: string,
  batchSize: number,
  samplesPerSecond: number,
  rep: number,
  extra: Partial<WebBenchRun> = {},
): WebBenchRun & { rep: number } {
  return {
    system,
    backend,
    batchSize,
    samples: 1000,
    seconds: 1000 / samplesPerSecond,
    samplesPerSecond,
    testAccuracy: 0.8,
    testSamples: 2000,
    kernelsPerStep: system === 'steadygrad' ? 37 : 422,
    tensorsLeaked: 0,
    rep,
    ...extra,
  };
}

describe('the browser bench figures', () => {
  // Three repetitions of wasm at batch 32; one system of WebGL at 256 missing.
  const runs = [
    run('steadygrad', 'wasm', 32, 1000, 0),
    run('tfjs-layers', 'wasm', 32, 100, 0),
    run('steadygrad', 'wasm', 32, 3000, 1, { tensorsLeaked: 2 }),
    run('tfjs-layers', 'wasm', 32, 200, 1),
    run('steadygrad', 'wasm', 32, 2000, 2),
    run('tfjs-layers', 'wasm', 32, 400, 2),
    run('steadygrad', 'webgl', 256, 500, 0),
  ];

  it('summaries: medians over repetitions, the worst leak', () => {
    const s = summarizeWeb(runs);
    const wasm = s.find((x) => x.system === 'steadygrad' && x.backend === 'wasm');
    expect(wasm).toMatchObject({ reps: 3, samplesPerSecond: 2000, kernelsPerStep: 37, tensorsLeaked: 2 });
    expect(s.find((x) => x.system === 'tfjs-layers')?.samplesPerSecond).toBe(200);
    expect(s).toHaveLength(3);
  });

  it('ratios of the medians and paired ratios; null where a side did not run', () => {
    const r = webRatios(runs, summarizeWeb(runs));
    expect(r.wasm.batch32).toBe(2000 / 200);
    // Within each repetition: 10, 15, 5 → median 10.
    expect(r.paired.wasm.batch32).toBe(10);
    expect(r.wasm.batch256).toBeNull();
    expect(r.webgl.batch256).toBeNull();
    expect(r.paired.webgl.batch256).toBeNull();
  });
});
