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

function fmt(v: number | null, digits: number): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** The markdown table people read: one row per system, backend, threads and batch size, then the ratios. */
export function markdownTable(summaries: readonly BenchSummary[], r: BenchRatios): string {
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
  return lines.join('\n');
}
