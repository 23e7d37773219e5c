import { summarize } from './bench-stats.js';
import type { BenchRun, BenchSummary } from './bench-types.js';

/**
 * The bench's conv row (issue 22): one epoch of the `cnn` experiment's `smallCnnModel` (two conv → BN →
 * ReLU → max-pool blocks, Dense 64, Dense 10; SGD momentum 0.9, batch 32) for steadygrad, tfjs-layers and
 * PyTorch, in the same run as the MLP rows.
 *
 * - steadygrad on wasm (what the demo uses) and on cpu;
 * - tfjs-layers on cpu only: on wasm it cannot train a conv net (tfjs-backend-wasm 4.22 has no
 *   `Conv2DBackpropFilter` kernel); the bench still tries it once and records the error;
 * - PyTorch on one thread.
 * tfjs's cpu backend is slow for convolutions, so the cpu rows run a reduced number of samples and are
 * extrapolated (and labelled), as the MLP's cpu rows are.
 */
export interface ConvPlan {
  readonly reps: number;
  /** Samples of the steadygrad-on-wasm and PyTorch rows. */
  readonly wasmSamples: number;
  /** Samples of the cpu-backend rows (steadygrad and tfjs-layers). */
  readonly cpuSamples: number;
  /** Test images the cpu-backend rows predict (tfjs's cpu conv inference takes minutes for all 10,000). */
  readonly cpuTestSamples: number;
}

/** Batch size of the conv rows (the `cnn` experiment's). */
export const CONV_BATCH = 32;

/**
 * `--quick`: a few batches each; the full run: a whole epoch on wasm and PyTorch. `samples` (the bench's
 * `--samples`, for smoke runs) caps every row.
 */
export function convPlanFor(quick: boolean, reps: number | undefined, samples?: number): ConvPlan {
  const plan = quick
    ? { reps: reps ?? 1, wasmSamples: 1280, cpuSamples: 64, cpuTestSamples: 500 }
    : { reps: reps ?? 2, wasmSamples: 60000, cpuSamples: 320, cpuTestSamples: 1000 };
  if (samples === undefined) return plan;
  return {
    ...plan,
    wasmSamples: Math.min(plan.wasmSamples, samples),
    cpuSamples: Math.min(plan.cpuSamples, samples),
  };
}

/** The conv row's ratios (medians over repetitions; `null` where a side is missing). */
export interface ConvRatios {
  /** steadygrad ÷ tfjs-layers samples/s, both on the cpu backend (the only backend both train convs on). */
  readonly vsTfjsLayersCpu: number | null;
  /** steadygrad on wasm ÷ tfjs-layers on cpu samples/s: what a Node user without tfjs-node gets from each. */
  readonly wasmVsTfjsLayersCpu: number | null;
  /** steadygrad's epoch time on wasm ÷ PyTorch's on one thread, both one thread (< 1: steadygrad faster). */
  readonly epochTimeVsPytorch: number | null;
  /** tfjs-layers on wasm: the error it stops with (first line), or `null` if it trained. */
  readonly tfjsLayersWasm: string | null;
}

function find(s: readonly BenchSummary[], system: string, backend: string): BenchSummary | undefined {
  return s.find((r) => r.system === system && r.backend === backend && r.threads === 1);
}

/** Medians per system and backend of the conv runs, and the ratios between them. */
export function convSummary(
  runs: readonly BenchRun[],
  tfjsLayersWasm: string | null,
): { readonly summaries: BenchSummary[]; readonly ratios: ConvRatios } {
  const summaries = summarize(runs);
  const div = (x: number | undefined, y: number | undefined): number | null =>
    x === undefined || y === undefined ? null : x / y;
  const sgWasm = find(summaries, 'steadygrad', 'wasm');
  const sgCpu = find(summaries, 'steadygrad', 'cpu');
  const tlCpu = find(summaries, 'tfjs-layers', 'cpu');
  const torch = find(summaries, 'pytorch', 'cpu');
  return {
    summaries,
    ratios: {
      vsTfjsLayersCpu: div(sgCpu?.samplesPerSecond, tlCpu?.samplesPerSecond),
      wasmVsTfjsLayersCpu: div(sgWasm?.samplesPerSecond, tlCpu?.samplesPerSecond),
      epochTimeVsPytorch: div(sgWasm?.epochSeconds, torch?.epochSeconds),
      tfjsLayersWasm,
    },
  };
}

const fmt = (x: number | null, digits = 2): string => (x === null ? '—' : x.toFixed(digits));

/** The conv row as a markdown table plus its ratio lines. */
export function convTable(summaries: readonly BenchSummary[], r: ConvRatios): string {
  const lines = [
    '| system (smallCnnModel) | backend | batch | samples | samples/s | s/epoch | test acc | peak RSS MB | tensors leaked |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...summaries.map(
      (s) =>
        `| ${s.system} | ${s.backend} | ${s.batchSize} | ${s.samples.toLocaleString('en-US')}${s.extrapolated ? ' (extrapolated)' : ''} | ${s.samplesPerSecond.toFixed(1)} | ${s.epochSeconds.toFixed(1)} | ${s.testAccuracy.toFixed(4)}${s.testSamples === undefined ? '' : ` (${s.testSamples} images)`} | ${s.peakRssMb.toFixed(0)} | ${s.tensorsLeaked ?? '—'} |`,
    ),
    '',
    `conv: steadygrad ÷ tfjs-layers samples/s on cpu ${fmt(r.vsTfjsLayersCpu)}×; steadygrad on wasm ÷ tfjs-layers on cpu ${fmt(r.wasmVsTfjsLayersCpu)}×; steadygrad (wasm) ÷ PyTorch epoch time, one thread each ${fmt(r.epochTimeVsPytorch)}`,
    `conv: tfjs-layers on wasm: ${r.tfjsLayersWasm === null ? 'trained' : `cannot train (${r.tfjsLayersWasm})`}`,
  ];
  return lines.join('\n');
}
