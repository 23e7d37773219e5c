// The bench's roofline line (issue 24): the BN-MLP's matrix-product work per epoch, what each system achieves
// in GFLOP/s, and the machine's measured peak for steadygrad's own GEMM kernel (kernel-peak.ts).

import type { BenchSummary } from './bench-types.js';
import { bestEpochSeconds, type PerBatch } from './peer-ratios.js';

/** The seed cell 5 BN-MLP's Dense layers as `[in, out]`. */
export const BN_MLP_DENSE: readonly (readonly [number, number])[] = [
  [784, 300],
  [300, 100],
  [100, 10],
];

/**
 * Matrix-product FLOPs of one training sample: per Dense layer `2·in·out` for the forward product and the same
 * for the weight gradient, and for the input gradient of every layer but the first (no system computes the
 * gradient of the input images). Batch normalization, bias, activations, loss and the optimizer (element-wise,
 * well under 1 % of the work at these widths) are not counted.
 */
export function trainingFlopsPerSample(dense: readonly (readonly [number, number])[] = BN_MLP_DENSE): number {
  let flops = 0;
  dense.forEach(([i, o], layer) => {
    flops += 2 * i * o * (layer === 0 ? 2 : 3);
  });
  return flops;
}

/** What {@link trainingFlopsPerSample} counts, for the text output. */
export const FLOPS_COUNTED =
  'matrix products only: forward + weight gradient per Dense layer, input gradient for all but the first (2·in·out FLOPs each)';

/** Measured peak of steadygrad's GEMM kernel on a cache-resident product (GFLOP/s). */
export interface KernelPeak {
  readonly oneThread: number;
  readonly allThreads: number;
  /** Threads of `allThreads`. */
  readonly threads: number;
  /** What was measured (shape, relaxed SIMD or not). */
  readonly kernel: string;
}

/** The `roofline` object of `--json`. */
export interface Roofline {
  /** GFLOP of one 60,000-sample epoch ({@link FLOPS_COUNTED}). */
  readonly gflopPerEpoch: number;
  readonly counted: string;
  readonly peakGflops: KernelPeak;
  /** GFLOP/s each system achieves over a training epoch at its best thread setting (`null`: did not run). */
  readonly achieved: Readonly<Record<string, PerBatch | null>>;
  /**
   * steadygrad's achieved ÷ the kernel peak at the thread count of its best row (for a threaded row the higher
   * of the all-threads and one-thread peaks: N threads can always do what one does).
   */
  readonly fractionOfPeak: PerBatch;
}

const SYSTEMS: Readonly<Record<string, readonly string[]>> = {
  steadygrad: ['steadygrad'],
  tfjsLayers: ['tfjs-layers'],
  pytorch: ['pytorch'],
  keras: ['keras', 'keras-xla'],
};

/** The roofline from the MLP summaries (steadygrad and tfjs-layers on `backend`) and a measured kernel peak. */
export function roofline(s: readonly BenchSummary[], peak: KernelPeak, backend = 'wasm'): Roofline {
  const gflopPerEpoch = (trainingFlopsPerSample() * 60000) / 1e9;
  const mlp = s.filter(
    (r) => r.model !== 'cnn' && (r.system.startsWith('steadygrad') ? r.backend === backend : true),
  );
  const rate = (systems: readonly string[], batch: number): number | null => {
    const onBackend = systems[0] === 'steadygrad' || systems[0] === 'tfjs-layers' ? backend : undefined;
    const t = bestEpochSeconds(mlp, systems, batch, onBackend);
    return t === undefined ? null : gflopPerEpoch / t;
  };
  const achieved: Record<string, PerBatch | null> = {};
  for (const [name, systems] of Object.entries(SYSTEMS)) {
    const v = { batch32: rate(systems, 32), batch256: rate(systems, 256) };
    achieved[name] = v.batch32 === null && v.batch256 === null ? null : v;
  }
  const fraction = (batch: number): number | null => {
    const t = bestEpochSeconds(mlp, ['steadygrad'], batch, backend);
    const row = mlp.find((r) => r.system === 'steadygrad' && r.batchSize === batch && r.epochSeconds === t);
    if (t === undefined || row === undefined) return null;
    return (
      gflopPerEpoch / t / (row.threads === 1 ? peak.oneThread : Math.max(peak.allThreads, peak.oneThread))
    );
  };
  return {
    gflopPerEpoch,
    counted: FLOPS_COUNTED,
    peakGflops: peak,
    achieved,
    fractionOfPeak: { batch32: fraction(32), batch256: fraction(256) },
  };
}
