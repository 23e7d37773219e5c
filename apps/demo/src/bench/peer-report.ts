// The text lines `pnpm bench` prints after its table for issue 24: the ratios against PyTorch 2 and Keras 3
// (or why one is missing) and the roofline line.
import type { PeerRatios, PeerStatus, PerBatch } from './peer-ratios.js';
import type { Roofline } from './roofline.js';

function fmt(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

function pair(p: PerBatch | null, digits = 2): string {
  return p === null ? '—' : `batch 32 ${fmt(p.batch32, digits)}, batch 256 ${fmt(p.batch256, digits)}`;
}

/** The peer ratios, one per line, each against its bar; a `null` ratio gets its reason. */
export function peerLines(r: PeerRatios, status: PeerStatus): string {
  const torch = status.pytorch2;
  const lines = [
    torch === null
      ? `steadygrad ÷ PyTorch 2 epoch time, each at its best thread setting: ${pair(r.epochTimeVsPytorch2Best)} (bars ≤ 1.2 / ≤ 1.0)`
      : `steadygrad ÷ PyTorch 2: null (${torch})`,
    torch === null
      ? `steadygrad ÷ PyTorch 2 epoch time, both on 1 thread: ${pair(r.epochTimeVsPytorch2OneThread)} (moonshot ≤ 1.0)`
      : null,
    torch === null
      ? `steadygrad ÷ PyTorch 2 inference time, each at its best: ${fmt(r.inferenceVsPytorch2)} (bar ≤ 1.0)`
      : null,
    status.keras === null
      ? `Keras 3 ÷ steadygrad epoch time, each at its best: ${pair(r.kerasOverSteadygrad)} (bar ≥ 1.5)`
      : `Keras 3 ÷ steadygrad: null (${status.keras})`,
  ];
  return lines.filter((l): l is string => l !== null).join('\n');
}

/** The roofline line: work per epoch, kernel peak, achieved GFLOP/s and steadygrad's fraction of the peak. */
export function rooflineLine(r: Roofline): string {
  const achieved = Object.entries(r.achieved)
    .map(([k, v]) => `${k} ${pair(v, 1)}`)
    .join('; ');
  return [
    `roofline: ${fmt(r.gflopPerEpoch, 2)} GFLOP per epoch (${r.counted})`,
    `  kernel peak ${fmt(r.peakGflops.oneThread, 1)} GFLOP/s on 1 thread, ${fmt(r.peakGflops.allThreads, 1)} on ${r.peakGflops.threads} (${r.peakGflops.kernel})`,
    `  achieved GFLOP/s over an epoch, each at its best thread setting: ${achieved}`,
    `  steadygrad ÷ kernel peak (at its best row's thread count): ${pair(r.fractionOfPeak)}`,
  ].join('\n');
}
