import type { BenchRun, BenchSummary } from './bench-types.js';

/** The median of `values` (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Groups runs by system, backend, threads and batch size and takes the median of every figure. */
export function summarize(runs: readonly BenchRun[]): BenchSummary[] {
  const groups = new Map<string, BenchRun[]>();
  for (const r of runs) {
    const key = `${r.system}|${r.backend}|${r.threads}|${r.batchSize}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  const out: BenchSummary[] = [];
  for (const list of groups.values()) {
    const first = list[0] as BenchRun;
    const m = (f: (r: BenchRun) => number): number => median(list.map(f));
    const leaks = list.map((r) => r.tensorsLeaked).filter((v): v is number => v !== null);
    const alive = list.map((r) => r.tensorsAlive).filter((v): v is number => v !== null);
    out.push({
      system: first.system,
      backend: first.backend,
      threads: first.threads,
      batchSize: first.batchSize,
      samples: first.samples,
      epochSeconds: m((r) => r.epochSeconds),
      samplesPerSecond: m((r) => r.samplesPerSecond),
      testAccuracy: m((r) => r.testAccuracy),
      inferenceSeconds: m((r) => r.inferenceSeconds),
      peakRssMb: m((r) => r.peakRssMb),
      tensorsLeaked: leaks.length === 0 ? null : Math.max(...leaks),
      tensorsAlive: alive.length === 0 ? null : Math.max(...alive),
      extrapolated: list.some((r) => r.extrapolated),
      ...(first.model === undefined ? {} : { model: first.model }),
      ...(first.testSamples === undefined ? {} : { testSamples: first.testSamples }),
      repetitions: list.length,
    });
  }
  return out;
}

type PerBatch = { readonly batch32: number | null; readonly batch256: number | null };

export interface BenchRatios {
  /** steadygrad's thread count in `epochTimeVsPytorch` and `epochTimeVsPytorchSameThreads`. */
  readonly threads: number;
  /** steadygrad samples/s ÷ tfjs-layers samples/s, same backend, one thread each. */
  readonly vsTfjsLayers: PerBatch;
  /**
   * steadygrad's epoch time on `threads` threads ÷ PyTorch's on one thread (the peer: "PyTorch 1.13 on
   * one thread").
   */
  readonly epochTimeVsPytorch: PerBatch;
  /** steadygrad ÷ PyTorch epoch time, both on one thread. */
  readonly epochTimeVsPytorchOneThread: PerBatch;
  /** steadygrad ÷ PyTorch epoch time, both on `threads` threads (`null` when `threads` is 1). */
  readonly epochTimeVsPytorchSameThreads: PerBatch;
  /** tfjs-layers inference seconds ÷ steadygrad's, one thread each (≥ 1: steadygrad at least as fast). */
  readonly inferenceVsTfjsLayers: PerBatch;
}

function find(
  s: readonly BenchSummary[],
  system: string,
  backend: string | undefined,
  threads: number,
  batch: number,
): BenchSummary | undefined {
  return s.find(
    (r) =>
      r.system === system &&
      (backend === undefined || r.backend === backend) &&
      r.threads === threads &&
      r.batchSize === batch,
  );
}

/**
 * The ratios the targets are stated in, on `backend` (the Node default, wasm), with steadygrad on
 * `threads` threads where a ratio says so.
 */
export function ratios(summaries: readonly BenchSummary[], backend = 'wasm', threads = 1): BenchRatios {
  const div = (x: number | undefined, y: number | undefined): number | null =>
    x === undefined || y === undefined ? null : x / y;
  const at = (batch: number) => {
    const sg1 = find(summaries, 'steadygrad', backend, 1, batch);
    const sgN = find(summaries, 'steadygrad', backend, threads, batch);
    const tl = find(summaries, 'tfjs-layers', backend, 1, batch);
    const pt1 = find(summaries, 'pytorch', undefined, 1, batch);
    const ptN = find(summaries, 'pytorch', undefined, threads, batch);
    return {
      vsTfjs: div(sg1?.samplesPerSecond, tl?.samplesPerSecond),
      vsTorch: div(sgN?.epochSeconds, pt1?.epochSeconds),
      vsTorch1: div(sg1?.epochSeconds, pt1?.epochSeconds),
      vsTorchN: threads === 1 ? null : div(sgN?.epochSeconds, ptN?.epochSeconds),
      infer: div(tl?.inferenceSeconds, sg1?.inferenceSeconds),
    };
  };
  const a = at(32);
  const b = at(256);
  return {
    threads,
    vsTfjsLayers: { batch32: a.vsTfjs, batch256: b.vsTfjs },
    epochTimeVsPytorch: { batch32: a.vsTorch, batch256: b.vsTorch },
    epochTimeVsPytorchOneThread: { batch32: a.vsTorch1, batch256: b.vsTorch1 },
    epochTimeVsPytorchSameThreads: { batch32: a.vsTorchN, batch256: b.vsTorchN },
    inferenceVsTfjsLayers: { batch32: a.infer, batch256: b.infer },
  };
}

/** Same-repetition ratios: see {@link pairedRatios}. */
export interface PairedRatios {
  /** Repetitions that had both systems of a pair (the smallest count over the pairs). */
  readonly repetitions: number;
  /** Median over repetitions of steadygrad ÷ tfjs-layers samples/s, one thread each, same repetition. */
  readonly vsTfjsLayers: PerBatch;
  /** Median over repetitions of steadygrad ÷ PyTorch epoch time, one thread each, same repetition. */
  readonly epochTimeVsPytorchOneThread: PerBatch;
}

/**
 * Ratios taken within each repetition, then the median over repetitions. In one repetition the systems run
 * back to back, so a machine whose speed drifts for seconds or minutes (a shared VM) moves both sides of a
 * pair together; the ratio of the medians (`ratios`) can pair a fast steadygrad repetition with a slow peer's.
 * `runs` carry the repetition they belong to.
 */
export function pairedRatios(
  runs: readonly (BenchRun & { readonly repetition: number })[],
  backend = 'wasm',
): PairedRatios {
  let repetitions = Number.POSITIVE_INFINITY;
  const paired = (
    batch: number,
    peer: string,
    peerBackend: string | undefined,
    value: (ours: BenchRun, theirs: BenchRun) => number,
  ): number | null => {
    const one = (r: BenchRun, system: string, b: string | undefined): boolean =>
      r.system === system && (b === undefined || r.backend === b) && r.threads === 1 && r.batchSize === batch;
    const values: number[] = [];
    for (const rep of new Set(runs.map((r) => r.repetition))) {
      const ours = runs.find((r) => r.repetition === rep && one(r, 'steadygrad', backend));
      const theirs = runs.find((r) => r.repetition === rep && one(r, peer, peerBackend));
      if (ours !== undefined && theirs !== undefined) values.push(value(ours, theirs));
    }
    if (values.length === 0) return null;
    repetitions = Math.min(repetitions, values.length);
    return median(values);
  };
  const tfjs = (batch: number) =>
    paired(batch, 'tfjs-layers', backend, (o, t) => o.samplesPerSecond / t.samplesPerSecond);
  const torch = (batch: number) =>
    paired(batch, 'pytorch', undefined, (o, t) => o.epochSeconds / t.epochSeconds);
  const vsTfjsLayers = { batch32: tfjs(32), batch256: tfjs(256) };
  const epochTimeVsPytorchOneThread = { batch32: torch(32), batch256: torch(256) };
  return {
    repetitions: Number.isFinite(repetitions) ? repetitions : 0,
    vsTfjsLayers,
    epochTimeVsPytorchOneThread,
  };
}

function fmt(v: number | null, digits: number): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** The markdown table people read: one row per system, backend, threads and batch size, then the ratios. */
export function markdownTable(
  summaries: readonly BenchSummary[],
  r: BenchRatios,
  paired?: PairedRatios,
): string {
  const lines = [
    '| system | backend | threads | batch | samples/s | s/epoch | test acc | inference s | peak RSS MB | tensors leaked | tensors alive | reps | note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const sorted = [...summaries].sort(
    (x, y) =>
      x.batchSize - y.batchSize ||
      x.system.localeCompare(y.system) ||
      x.backend.localeCompare(y.backend) ||
      x.threads - y.threads,
  );
  for (const s of sorted) {
    const note = s.extrapolated ? `extrapolated from ${s.samples} samples` : '';
    lines.push(
      `| ${s.system} | ${s.backend} | ${s.threads} | ${s.batchSize} | ${fmt(s.samplesPerSecond, 0)} | ${fmt(s.epochSeconds, 2)} | ${fmt(s.testAccuracy, 4)} | ${fmt(s.inferenceSeconds, 3)} | ${fmt(s.peakRssMb, 0)} | ${s.tensorsLeaked ?? '—'} | ${s.tensorsAlive ?? '—'} | ${s.repetitions} | ${note} |`,
    );
  }
  const row = (label: string, v: PerBatch, target: string): string =>
    `| ${label} | ${fmt(v.batch32, 2)} | ${fmt(v.batch256, 2)} | ${target} |`;
  lines.push('');
  lines.push('| ratio | batch 32 | batch 256 | target |');
  lines.push('| --- | ---: | ---: | --- |');
  lines.push(row('steadygrad ÷ tfjs-layers samples/s (wasm, 1 thread each)', r.vsTfjsLayers, '≥ 10'));
  if (r.threads === 1) {
    lines.push(row('steadygrad ÷ PyTorch epoch time (1 thread each)', r.epochTimeVsPytorch, '≤ 1.5'));
  } else {
    lines.push(
      row(
        `steadygrad on ${r.threads} threads ÷ PyTorch on 1 thread, epoch time`,
        r.epochTimeVsPytorch,
        "≤ 1.5 (the issue's peer: PyTorch on 1 thread)",
      ),
    );
    lines.push(row('steadygrad ÷ PyTorch epoch time, both on 1 thread', r.epochTimeVsPytorchOneThread, '—'));
    lines.push(
      row(
        `steadygrad ÷ PyTorch epoch time, both on ${r.threads} threads`,
        r.epochTimeVsPytorchSameThreads,
        '—',
      ),
    );
  }
  lines.push(
    row('tfjs-layers ÷ steadygrad inference time (wasm, 1 thread each)', r.inferenceVsTfjsLayers, '≥ 1'),
  );
  if (paired !== undefined && paired.repetitions > 1) {
    const per = 'median over repetitions of the ratio within each';
    lines.push(row(`steadygrad ÷ tfjs-layers samples/s, paired (${per})`, paired.vsTfjsLayers, '≥ 10'));
    lines.push(
      row(
        `steadygrad ÷ PyTorch epoch time, 1 thread each, paired (${per})`,
        paired.epochTimeVsPytorchOneThread,
        '—',
      ),
    );
  }
  return lines.join('\n');
}
