import type { BenchRun, BenchSummary } from './bench-types.js';

/** The median of `values` (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Groups runs by system, backend and batch size and takes the median of every figure. */
export function summarize(runs: readonly BenchRun[]): BenchSummary[] {
  const groups = new Map<string, BenchRun[]>();
  for (const r of runs) {
    const key = `${r.system}|${r.backend}|${r.batchSize}`;
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

export interface BenchRatios {
  /** steadygrad samples/s ÷ tfjs-layers samples/s, same backend. */
  readonly vsTfjsLayers: { readonly batch32: number | null; readonly batch256: number | null };
  /** steadygrad epoch time ÷ PyTorch epoch time. */
  readonly epochTimeVsPytorch: { readonly batch32: number | null; readonly batch256: number | null };
  /** tfjs-layers inference seconds ÷ steadygrad inference seconds (>= 1: steadygrad at least as fast). */
  readonly inferenceVsTfjsLayers: { readonly batch32: number | null; readonly batch256: number | null };
}

function find(
  s: readonly BenchSummary[],
  system: string,
  backend: string,
  batch: number,
): BenchSummary | undefined {
  return s.find((r) => r.system === system && r.backend === backend && r.batchSize === batch);
}

/** The ratios the targets are stated in, on `backend` (the Node default, wasm). */
export function ratios(summaries: readonly BenchSummary[], backend = 'wasm'): BenchRatios {
  const at = (batch: number) => {
    const sg = find(summaries, 'steadygrad', backend, batch);
    const tl = find(summaries, 'tfjs-layers', backend, batch);
    const pt = summaries.find((r) => r.system === 'pytorch' && r.batchSize === batch);
    return {
      vsTfjs: sg && tl ? sg.samplesPerSecond / tl.samplesPerSecond : null,
      vsTorch: sg && pt ? sg.epochSeconds / pt.epochSeconds : null,
      infer: sg && tl ? tl.inferenceSeconds / sg.inferenceSeconds : null,
    };
  };
  const a = at(32);
  const b = at(256);
  return {
    vsTfjsLayers: { batch32: a.vsTfjs, batch256: b.vsTfjs },
    epochTimeVsPytorch: { batch32: a.vsTorch, batch256: b.vsTorch },
    inferenceVsTfjsLayers: { batch32: a.infer, batch256: b.infer },
  };
}

function fmt(v: number | null, digits: number): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** The markdown table people read: one row per system, backend and batch size, then the ratios. */
export function markdownTable(summaries: readonly BenchSummary[], r: BenchRatios): string {
  const lines = [
    '| system | backend | batch | samples/s | s/epoch | test acc | inference s | peak RSS MB | tensors leaked | tensors alive | reps | note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  const sorted = [...summaries].sort(
    (x, y) =>
      x.batchSize - y.batchSize || x.system.localeCompare(y.system) || x.backend.localeCompare(y.backend),
  );
  for (const s of sorted) {
    const note = s.extrapolated ? `extrapolated from ${s.samples} samples` : '';
    lines.push(
      `| ${s.system} | ${s.backend} | ${s.batchSize} | ${fmt(s.samplesPerSecond, 0)} | ${fmt(s.epochSeconds, 2)} | ${fmt(s.testAccuracy, 4)} | ${fmt(s.inferenceSeconds, 3)} | ${fmt(s.peakRssMb, 0)} | ${s.tensorsLeaked ?? '—'} | ${s.tensorsAlive ?? '—'} | ${s.repetitions} | ${note} |`,
    );
  }
  lines.push('');
  lines.push('| ratio | batch 32 | batch 256 | target |');
  lines.push('| --- | ---: | ---: | --- |');
  lines.push(
    `| steadygrad ÷ tfjs-layers samples/s (wasm) | ${fmt(r.vsTfjsLayers.batch32, 2)} | ${fmt(r.vsTfjsLayers.batch256, 2)} | ≥ 10 |`,
  );
  lines.push(
    `| steadygrad ÷ PyTorch epoch time | ${fmt(r.epochTimeVsPytorch.batch32, 2)} | ${fmt(r.epochTimeVsPytorch.batch256, 2)} | ≤ 1.5 |`,
  );
  lines.push(
    `| tfjs-layers ÷ steadygrad inference time (wasm) | ${fmt(r.inferenceVsTfjsLayers.batch32, 2)} | ${fmt(r.inferenceVsTfjsLayers.batch256, 2)} | ≥ 1 |`,
  );
  return lines.join('\n');
}
