// Issue 23's ratio, steadygrad ÷ tfjs-layers samples/s on the `tensorflow` backend, at each thread setting the
// bench ran there (TensorFlow's intra-op pool: 1 and `--threads`) and with each system at its best setting.
import type { BenchSummary } from './bench-types.js';
import type { PerBatch } from './peer-ratios.js';

/** The tensorflow-backend ratios `--json` reports under `ratios`. */
export interface TensorflowRatios {
  /** steadygrad ÷ tfjs-layers samples/s, each at its best thread setting (its fastest tensorflow row). */
  readonly best: PerBatch;
  /** Both with TensorFlow's pool at one thread. */
  readonly oneThread: PerBatch;
  /** Both with the pool at `threads` threads (`null` where the bench ran one thread only). */
  readonly sameThreads: PerBatch | null;
  /** The `--threads` count of `sameThreads`. */
  readonly threads: number;
  /** The thread setting each system's best row had, per batch size (`null` where it has no row). */
  readonly bestThreads: {
    readonly steadygrad: { readonly batch32: number | null; readonly batch256: number | null };
    readonly tfjsLayers: { readonly batch32: number | null; readonly batch256: number | null };
  };
}

function tensorflowRows(s: readonly BenchSummary[], system: string, batch: number): BenchSummary[] {
  return s.filter(
    (r) => r.system === system && r.backend === 'tensorflow' && r.batchSize === batch && r.model !== 'cnn',
  );
}

/** The fastest tensorflow row of `system` at `batch` (ties: fewer threads). */
function bestRow(s: readonly BenchSummary[], system: string, batch: number): BenchSummary | undefined {
  let best: BenchSummary | undefined;
  for (const r of tensorflowRows(s, system, batch)) {
    if (
      best === undefined ||
      r.samplesPerSecond > best.samplesPerSecond ||
      (r.samplesPerSecond === best.samplesPerSecond && r.threads < best.threads)
    ) {
      best = r;
    }
  }
  return best;
}

function ratio(ours: BenchSummary | undefined, theirs: BenchSummary | undefined): number | null {
  return ours === undefined || theirs === undefined ? null : ours.samplesPerSecond / theirs.samplesPerSecond;
}

/** steadygrad ÷ tfjs-layers on `tensorflow` from the bench's summaries (medians over repetitions). */
export function tensorflowRatios(s: readonly BenchSummary[], threads: number): TensorflowRatios {
  const at = (batch: number, n: number) =>
    ratio(
      tensorflowRows(s, 'steadygrad', batch).find((r) => r.threads === n),
      tensorflowRows(s, 'tfjs-layers', batch).find((r) => r.threads === n),
    );
  const best = (batch: number) => ratio(bestRow(s, 'steadygrad', batch), bestRow(s, 'tfjs-layers', batch));
  const threadsOf = (system: string) => ({
    batch32: bestRow(s, system, 32)?.threads ?? null,
    batch256: bestRow(s, system, 256)?.threads ?? null,
  });
  return {
    best: { batch32: best(32), batch256: best(256) },
    oneThread: { batch32: at(32, 1), batch256: at(256, 1) },
    sameThreads: threads === 1 ? null : { batch32: at(32, threads), batch256: at(256, threads) },
    threads,
    bestThreads: { steadygrad: threadsOf('steadygrad'), tfjsLayers: threadsOf('tfjs-layers') },
  };
}

/** The line under the bench's table (issue 23's target: ≥ 3 at both batch sizes). */
export function tensorflowLine(r: TensorflowRatios, paired: PerBatch): string {
  const f = (v: number | null): string => (v === null ? '—' : v.toFixed(2));
  const t = (b: 'batch32' | 'batch256'): string =>
    `steadygrad ${r.bestThreads.steadygrad[b] ?? '—'}, tfjs-layers ${r.bestThreads.tfjsLayers[b] ?? '—'}`;
  const same =
    r.sameThreads === null
      ? ''
      : `; both on ${r.threads} threads ${f(r.sameThreads.batch32)} / ${f(r.sameThreads.batch256)}`;
  return (
    `tensorflow backend, steadygrad ÷ tfjs-layers samples/s, each at its best TensorFlow thread setting: ` +
    `batch 32 ${f(r.best.batch32)} (threads: ${t('batch32')}), batch 256 ${f(r.best.batch256)} (threads: ${t('batch256')}); ` +
    `target ≥ 3. Both on 1 thread ${f(r.oneThread.batch32)} / ${f(r.oneThread.batch256)} ` +
    `(paired ${f(paired.batch32)} / ${f(paired.batch256)})${same}`
  );
}
