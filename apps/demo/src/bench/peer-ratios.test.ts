import { describe, expect, it } from 'vitest';
import type { BenchSummary } from './bench-types.js';
import { bestInferenceSeconds, peerRatios, pytorch2Status } from './peer-ratios.js';
import { peerLines, rooflineLine } from './peer-report.js';
import { roofline, trainingFlopsPerSample } from './roofline.js';

function row(
  system: string,
  threads: number,
  batchSize: number,
  epochSeconds: number,
  infer = 0.2,
): BenchSummary {
  return {
    system,
    backend: system === 'steadygrad' || system === 'tfjs-layers' ? 'wasm' : 'cpu',
    threads,
    batchSize,
    samples: 60000,
    epochSeconds,
    samplesPerSecond: 60000 / epochSeconds,
    testAccuracy: 0.85,
    inferenceSeconds: infer,
    peakRssMb: 100,
    tensorsLeaked: null,
    tensorsAlive: null,
    extrapolated: false,
    repetitions: 2,
  };
}

// steadygrad: 4 s (1 thread) / 3 s (2 threads) at batch 32, 3 / 2.5 at 256; PyTorch 3 / 2 and 2 / 2.5 (its
// two threads slower at 256); Keras 6 / 5 at 32, XLA 4.5 on 2 threads at 256 (faster than plain Keras's 5).
const summaries: BenchSummary[] = [
  row('steadygrad', 1, 32, 4, 0.3),
  row('steadygrad', 2, 32, 3, 0.2),
  row('steadygrad', 1, 256, 3, 0.3),
  row('steadygrad', 2, 256, 2.5, 0.25),
  row('tfjs-layers', 1, 32, 40),
  row('tfjs-layers', 1, 256, 30),
  row('pytorch', 1, 32, 3, 0.1),
  row('pytorch', 2, 32, 2, 0.12),
  row('pytorch', 1, 256, 2, 0.1),
  row('pytorch', 2, 256, 2.5, 0.12),
  row('keras', 1, 32, 6),
  row('keras', 2, 32, 5),
  row('keras', 1, 256, 5),
  row('keras-xla', 2, 256, 4.5),
  { ...row('pytorch', 1, 32, 0.5), model: 'cnn' }, // a conv row: never an MLP ratio
];
const ran = { pytorch2: null, keras: null };

describe('issue 24 peer ratios', () => {
  it('compares each system at its best thread setting and at one thread', () => {
    const r = peerRatios(summaries, ran);
    expect(r.epochTimeVsPytorch2Best?.batch32).toBeCloseTo(3 / 2, 12);
    expect(r.epochTimeVsPytorch2Best?.batch256).toBeCloseTo(2.5 / 2, 12);
    expect(r.epochTimeVsPytorch2OneThread?.batch32).toBeCloseTo(4 / 3, 12);
    expect(r.epochTimeVsPytorch2OneThread?.batch256).toBeCloseTo(3 / 2, 12);
    expect(r.kerasOverSteadygrad?.batch32).toBeCloseTo(5 / 3, 12);
    expect(r.kerasOverSteadygrad?.batch256).toBeCloseTo(4.5 / 2.5, 12);
    // Inference: steadygrad's best setting (2 threads: median 0.2, 0.25 = 0.225) ÷ PyTorch's (1 thread: 0.1).
    expect(bestInferenceSeconds(summaries, ['steadygrad'], 'wasm')).toBeCloseTo(0.225, 12);
    expect(r.inferenceVsPytorch2).toBeCloseTo(2.25, 12);
  });

  it('is null where a peer did not run, with the reason in the text', () => {
    const status = {
      pytorch2: pytorch2Status({ ok: false, why: 'python3 has no torch (x)' }),
      keras: 'Keras skipped: no keras',
    };
    const r = peerRatios(summaries, status);
    expect(r).toEqual({
      epochTimeVsPytorch2Best: null,
      epochTimeVsPytorch2OneThread: null,
      kerasOverSteadygrad: null,
      inferenceVsPytorch2: null,
    });
    const text = peerLines(r, status);
    expect(text).toContain('steadygrad ÷ PyTorch 2: null (PyTorch skipped: python3 has no torch (x))');
    expect(text).toContain('Keras 3 ÷ steadygrad: null (Keras skipped: no keras)');
    // A missing row (no Keras at batch 32) is null at that batch only.
    const partial = peerRatios(
      summaries.filter((x) => !(x.system === 'keras' && x.batchSize === 32)),
      ran,
    );
    expect(partial.kerasOverSteadygrad).toEqual({ batch32: null, batch256: 4.5 / 2.5 });
  });

  it('takes only PyTorch 2 as PyTorch 2', () => {
    expect(pytorch2Status({ ok: true, why: 'torch 2.13.0+cpu' })).toBeNull();
    expect(pytorch2Status({ ok: true, why: 'torch 1.13.0a0+git' })).toBe(
      'torch 1.13.0a0+git is not PyTorch 2',
    );
    expect(peerLines(peerRatios(summaries, ran), ran)).toContain(
      'steadygrad ÷ PyTorch 2 epoch time, each at its best thread setting: batch 32 1.50, batch 256 1.25',
    );
  });
});

describe('roofline', () => {
  it('counts the matrix products of a training step', () => {
    // [4 → 3]: forward and weight gradient, no input gradient: 2 · 2·4·3.
    expect(trainingFlopsPerSample([[4, 3]])).toBe(48);
    // + [3 → 2]: forward, weight gradient and input gradient: 3 · 2·3·2.
    expect(
      trainingFlopsPerSample([
        [4, 3],
        [3, 2],
      ]),
    ).toBe(84);
    // The seed cell 5 BN-MLP: 2·(2·784·300) + 3·(2·300·100) + 3·(2·100·10).
    expect(trainingFlopsPerSample()).toBe(1_126_800);
  });

  it('achieved GFLOP/s per system at its best, fraction of the peak at the best row threads', () => {
    const peak = { oneThread: 40, allThreads: 60, threads: 2, kernel: 'test kernel' };
    const r = roofline(summaries, peak);
    expect(r.gflopPerEpoch).toBeCloseTo(67.608, 12);
    expect(r.achieved.steadygrad).toEqual({ batch32: 67.608 / 3, batch256: 67.608 / 2.5 });
    expect(r.achieved.tfjsLayers).toEqual({ batch32: 67.608 / 40, batch256: 67.608 / 30 });
    expect(r.achieved.pytorch).toEqual({ batch32: 67.608 / 2, batch256: 67.608 / 2 });
    expect(r.achieved.keras).toEqual({ batch32: 67.608 / 5, batch256: 67.608 / 4.5 });
    // steadygrad's best rows are on 2 threads: ÷ the all-threads peak.
    expect(r.fractionOfPeak.batch32).toBeCloseTo(67.608 / 3 / 60, 12);
    expect(r.fractionOfPeak.batch256).toBeCloseTo(67.608 / 2.5 / 60, 12);
    // A disturbed all-threads measurement below the one-thread peak: the one-thread peak bounds it.
    const low = roofline(summaries, { ...peak, allThreads: 10 });
    expect(low.fractionOfPeak.batch256).toBeCloseTo(67.608 / 2.5 / 40, 12);
    // One-thread best rows use the one-thread peak; peers that did not run are null.
    const one = roofline(
      summaries.filter((x) => x.threads === 1 && x.system !== 'keras'),
      peak,
    );
    expect(one.fractionOfPeak.batch256).toBeCloseTo(67.608 / 3 / 40, 12);
    expect(one.achieved.keras).toBeNull();
    expect(rooflineLine(r)).toContain('roofline: 67.61 GFLOP per epoch');
    expect(rooflineLine(r)).toContain('kernel peak 40.0 GFLOP/s on 1 thread, 60.0 on 2 (test kernel)');
  });
});
