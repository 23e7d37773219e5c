#!/usr/bin/env node
// One bench measurement in its own process (so peak RSS is per system):
// node dist/bench/bench-worker.js --system steadygrad|tfjs-layers --backend wasm|cpu|tensorflow --batch-size N --samples N --seed N [--threads N] [--no-relaxed-simd]
// Prints one JSON line (a BenchRun) on stdout.
import { parseArgs } from 'node:util';
import { loadFashionMnist } from '@steadygrad/datasets';
import type { BenchRun } from './bench-types.js';
import type { WorkerOptions } from './worker-options.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      system: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      'batch-size': { type: 'string', default: '32' },
      samples: { type: 'string', default: '60000' },
      seed: { type: 'string', default: '42' },
      'non-finite': { type: 'string' },
      threads: { type: 'string', default: '1' },
      'no-relaxed-simd': { type: 'boolean', default: false },
    },
  });
  const system = values.system;
  const backend = values.backend;
  if (system !== 'steadygrad' && system !== 'tfjs-layers') throw new Error(`unknown --system ${system}`);
  if (backend !== 'wasm' && backend !== 'cpu' && backend !== 'tensorflow')
    throw new Error(`unknown --backend ${backend}`);
  const o: WorkerOptions = {
    system,
    backend,
    batchSize: Number(values['batch-size']),
    samples: Number(values.samples),
    seed: Number(values.seed),
    threads: Number(values.threads),
    nonFinite: values['non-finite'],
    relaxedSimd: !values['no-relaxed-simd'],
  };
  const data = await loadFashionMnist({ download: false });
  let run: BenchRun;
  if (system === 'steadygrad') {
    const { runSteadygrad } = await import('./run-steadygrad.js');
    run = await runSteadygrad(data, o);
  } else {
    const { runTfjsLayers } = await import('./run-tfjs-layers.js');
    run = await runTfjsLayers(data, o);
  }
  process.stdout.write(`${JSON.stringify(run)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
