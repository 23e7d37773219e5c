// Issue 24's ratios against the Python peers (PyTorch 2, Keras 3): each system at its best thread setting and at
// one thread, from the bench's summaries (medians over repetitions).
import type { BenchSummary } from './bench-types.js';

/** A ratio at each MLP batch size (`null` where a row is missing). */
export interface PerBatch {
  readonly batch32: number | null;
  readonly batch256: number | null;
}

/** The ratios `--json` reports under `ratios` next to `vsTfjsLayers`; `null` where the peer did not run. */
export interface PeerRatios {
  /** steadygrad ÷ PyTorch 2 epoch time, each at its best thread setting (the fastest of its rows). */
  readonly epochTimeVsPytorch2Best: PerBatch | null;
  /** steadygrad ÷ PyTorch 2 epoch time, both on one thread. */
  readonly epochTimeVsPytorch2OneThread: PerBatch | null;
  /** Keras 3 ÷ steadygrad epoch time, each at its best (Keras: the fastest of its rows, XLA ones included). */
  readonly kerasOverSteadygrad: PerBatch | null;
  /** steadygrad ÷ PyTorch 2 inference time (10,000 test images), each at its best thread setting. */
  readonly inferenceVsPytorch2: number | null;
}

/** Which peers ran: a reason string where one did not (printed under the table). */
export interface PeerStatus {
  readonly pytorch2: string | null;
  readonly keras: string | null;
}

function rows(s: readonly BenchSummary[], systems: readonly string[], backend: string | undefined) {
  return s.filter(
    (r) =>
      systems.includes(r.system) && (backend === undefined || r.backend === backend) && r.model !== 'cnn',
  );
}

/** The fastest epoch (seconds) of `systems` at `batch` over their thread settings; `undefined` if none ran. */
export function bestEpochSeconds(
  s: readonly BenchSummary[],
  systems: readonly string[],
  batch: number,
  backend?: string,
): number | undefined {
  const times = rows(s, systems, backend)
    .filter((r) => r.batchSize === batch)
    .map((r) => r.epochSeconds);
  return times.length === 0 ? undefined : Math.min(...times);
}

/**
 * The best inference time of `systems`: per thread setting the median over its batch-size rows (inference does
 * not depend on the training batch), then the fastest setting; `undefined` if none ran.
 */
export function bestInferenceSeconds(
  s: readonly BenchSummary[],
  systems: readonly string[],
  backend?: string,
): number | undefined {
  const byThreads = new Map<string, number[]>();
  for (const r of rows(s, systems, backend)) {
    const key = `${r.system}|${r.threads}`;
    byThreads.set(key, [...(byThreads.get(key) ?? []), r.inferenceSeconds]);
  }
  const medians = [...byThreads.values()].map((v) => {
    const sorted = [...v].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  });
  return medians.length === 0 ? undefined : Math.min(...medians);
}

function epochOneThread(s: readonly BenchSummary[], system: string, batch: number, backend?: string) {
  return rows(s, [system], backend).find((r) => r.batchSize === batch && r.threads === 1)?.epochSeconds;
}

const div = (x: number | undefined, y: number | undefined): number | null =>
  x === undefined || y === undefined || y <= 0 ? null : x / y;

/** steadygrad (on `backend`) against PyTorch 2 and Keras 3; a peer whose status has a reason gets `null`. */
export function peerRatios(s: readonly BenchSummary[], status: PeerStatus, backend = 'wasm'): PeerRatios {
  const sg = (batch: number) => bestEpochSeconds(s, ['steadygrad'], batch, backend);
  const torch = status.pytorch2 === null;
  const keras = status.keras === null;
  const perBatch = (f: (batch: number) => number | null): PerBatch => ({ batch32: f(32), batch256: f(256) });
  return {
    epochTimeVsPytorch2Best: torch ? perBatch((b) => div(sg(b), bestEpochSeconds(s, ['pytorch'], b))) : null,
    epochTimeVsPytorch2OneThread: torch
      ? perBatch((b) => div(epochOneThread(s, 'steadygrad', b, backend), epochOneThread(s, 'pytorch', b)))
      : null,
    kerasOverSteadygrad: keras
      ? perBatch((b) => div(bestEpochSeconds(s, ['keras', 'keras-xla'], b), sg(b)))
      : null,
    inferenceVsPytorch2: torch
      ? div(bestInferenceSeconds(s, ['steadygrad'], backend), bestInferenceSeconds(s, ['pytorch']))
      : null,
  };
}

/** The PyTorch 2 status from the bench's torch probe (`why` is e.g. `torch 2.13.0+cpu`). */
export function pytorch2Status(torch: { ok: boolean; why: string }): string | null {
  if (!torch.ok) return `PyTorch skipped: ${torch.why}`;
  const major = Number(/^torch (\d+)\./.exec(torch.why)?.[1]);
  return major >= 2 ? null : `${torch.why} is not PyTorch 2`;
}
