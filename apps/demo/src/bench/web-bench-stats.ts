// The browser bench's figures: medians per system, backend and batch size, and steadygrad ÷ tfjs-layers.
import { median } from './bench-stats.js';
import type { WebBenchRun, WebBenchSystem } from './web-bench-types.js';

/** Medians of one system, backend and batch size over the repetitions. */
export interface WebBenchSummary {
  readonly system: WebBenchSystem;
  readonly backend: string;
  readonly batchSize: number;
  readonly reps: number;
  readonly samplesPerSecond: number;
  readonly testAccuracy: number;
  readonly kernelsPerStep: number;
  readonly tensorsLeaked: number;
}

type PerBatch = { batch32: number | null; batch256: number | null };

/** Per backend: steadygrad ÷ tfjs-layers samples/s at each batch size (`null` where one side did not run). */
export interface WebBenchRatios {
  readonly wasm: PerBatch;
  readonly webgl: PerBatch;
  /** The same, taken within each repetition (both systems back to back), then the median. */
  readonly paired: { readonly wasm: PerBatch; readonly webgl: PerBatch };
}

/** Groups the runs by system, backend and batch size; every figure is the median over repetitions. */
export function summarizeWeb(runs: readonly (WebBenchRun & { rep: number })[]): WebBenchSummary[] {
  const groups = new Map<string, (WebBenchRun & { rep: number })[]>();
  for (const r of runs) {
    const key = `${r.system}|${r.backend}|${r.batchSize}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((list) => {
    const first = list[0] as WebBenchRun;
    const m = (f: (r: WebBenchRun) => number) => median(list.map(f));
    return {
      system: first.system,
      backend: first.backend,
      batchSize: first.batchSize,
      reps: list.length,
      samplesPerSecond: m((r) => r.samplesPerSecond),
      testAccuracy: m((r) => r.testAccuracy),
      kernelsPerStep: m((r) => r.kernelsPerStep),
      tensorsLeaked: Math.max(...list.map((r) => r.tensorsLeaked)),
    };
  });
}

/** steadygrad ÷ tfjs-layers samples/s, from the medians and within each repetition. */
export function webRatios(
  runs: readonly (WebBenchRun & { rep: number })[],
  summaries: readonly WebBenchSummary[],
): WebBenchRatios {
  const of = (backend: string, batchSize: number): number | null => {
    const s = summaries.find(
      (x) => x.system === 'steadygrad' && x.backend === backend && x.batchSize === batchSize,
    );
    const t = summaries.find(
      (x) => x.system === 'tfjs-layers' && x.backend === backend && x.batchSize === batchSize,
    );
    return s === undefined || t === undefined ? null : s.samplesPerSecond / t.samplesPerSecond;
  };
  const paired = (backend: string, batchSize: number): number | null => {
    const values: number[] = [];
    for (const rep of new Set(runs.map((r) => r.rep))) {
      const pick = (system: WebBenchSystem) =>
        runs.find(
          (r) => r.rep === rep && r.system === system && r.backend === backend && r.batchSize === batchSize,
        );
      const s = pick('steadygrad');
      const t = pick('tfjs-layers');
      if (s !== undefined && t !== undefined) values.push(s.samplesPerSecond / t.samplesPerSecond);
    }
    return values.length === 0 ? null : median(values);
  };
  const per = (f: (b: string, n: number) => number | null, backend: string): PerBatch => ({
    batch32: f(backend, 32),
    batch256: f(backend, 256),
  });
  return {
    wasm: per(of, 'wasm'),
    webgl: per(of, 'webgl'),
    paired: { wasm: per(paired, 'wasm'), webgl: per(paired, 'webgl') },
  };
}
