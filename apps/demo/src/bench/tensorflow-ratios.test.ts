import { describe, expect, it } from 'vitest';
import type { BenchSummary } from './bench-types.js';
import { tensorflowLine, tensorflowRatios } from './tensorflow-ratios.js';

function row(system: string, backend: string, threads: number, batchSize: number, samplesPerSecond: number) {
  return {
    system,
    backend,
    threads,
    batchSize,
    samples: 30000,
    epochSeconds: 60000 / samplesPerSecond,
    samplesPerSecond,
    testAccuracy: 0.85,
    inferenceSeconds: 0.2,
    peakRssMb: 100,
    tensorsLeaked: 0,
    tensorsAlive: 30,
    extrapolated: true,
    repetitions: 3,
  } satisfies BenchSummary;
}

// On tensorflow: steadygrad 9,000 (1 thread) / 6,000 (2) at batch 32, 20,000 / 24,000 at 256; tfjs-layers
// 2,500 / 3,000 at 32 and 10,000 / 8,000 at 256. A wasm row (faster than all) must not count.
const summaries = [
  row('steadygrad', 'tensorflow', 1, 32, 9000),
  row('steadygrad', 'tensorflow', 2, 32, 6000),
  row('steadygrad', 'tensorflow', 1, 256, 20000),
  row('steadygrad', 'tensorflow', 2, 256, 24000),
  row('tfjs-layers', 'tensorflow', 1, 32, 2500),
  row('tfjs-layers', 'tensorflow', 2, 32, 3000),
  row('tfjs-layers', 'tensorflow', 1, 256, 10000),
  row('tfjs-layers', 'tensorflow', 2, 256, 8000),
  row('steadygrad', 'wasm', 1, 32, 90000),
];

describe('tensorflowRatios', () => {
  it('compares each system at its best thread setting, and at equal settings', () => {
    const r = tensorflowRatios(summaries, 2);
    expect(r.best.batch32).toBeCloseTo(9000 / 3000, 12);
    expect(r.best.batch256).toBeCloseTo(24000 / 10000, 12);
    expect(r.oneThread).toEqual({ batch32: 9000 / 2500, batch256: 20000 / 10000 });
    expect(r.sameThreads).toEqual({ batch32: 6000 / 3000, batch256: 24000 / 8000 });
    expect(r.bestThreads).toEqual({
      steadygrad: { batch32: 1, batch256: 2 },
      tfjsLayers: { batch32: 2, batch256: 1 },
    });
    expect(tensorflowLine(r, { batch32: 3.5, batch256: 2.1 })).toBe(
      'tensorflow backend, steadygrad ÷ tfjs-layers samples/s, each at its best TensorFlow thread setting: ' +
        'batch 32 3.00 (threads: steadygrad 1, tfjs-layers 2), batch 256 2.40 (threads: steadygrad 2, ' +
        'tfjs-layers 1); target ≥ 3. Both on 1 thread 3.60 / 2.00 (paired 3.50 / 2.10); both on 2 threads ' +
        '2.00 / 3.00',
    );
  });

  it('with one thread only, best equals one thread; missing rows give null', () => {
    const one = summaries.filter(
      (s) => s.threads === 1 && !(s.system === 'tfjs-layers' && s.batchSize === 256),
    );
    const r = tensorflowRatios(one, 1);
    expect(r.best).toEqual({ batch32: 9000 / 2500, batch256: null });
    expect(r.oneThread).toEqual(r.best);
    expect(r.sameThreads).toBeNull();
    expect(r.bestThreads.tfjsLayers).toEqual({ batch32: 1, batch256: null });
    expect(tensorflowLine(r, { batch32: null, batch256: null })).toMatch(
      /batch 256 — \(threads: steadygrad 1, tfjs-layers —\); target ≥ 3\. Both on 1 thread 3\.60 \/ — \(paired — \/ —\)$/,
    );
  });
});
