#!/usr/bin/env node
// One bench measurement in its own process (so peak RSS is per system):
// node dist/bench/bench-worker.js --system steadygrad|tfjs-layers --backend wasm|cpu|tensorflow --batch-size N --samples N --seed N [--threads N] [--no-relaxed-simd] [--model mlp|cnn] [--test-samples N]
// Prints one JSON line (a BenchRun) on stdout.
import { parseArgs } from 'node:util';
import { loadFashionMnist, sliceSplit } from '@steadygrad/datasets';
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
      model: { type: 'string', default: 'mlp' },
      'test-samples': { type: 'string', default: '10000' },
    },
  });
  const system = values.system;
  const backend = values.backend;
  if (system !== 'steadygrad' && system !== 'tfjs-layers') throw new Error(`unknown --system ${system}`);
  if (backend !== 'wasm' && backend !== 'cpu' && backend !== 'tensorflow')
    throw new Error(`unknown --backend ${backend}`);
  const model = values.model;
  if (model !== 'mlp' && model !== 'cnn') throw new Error(`unknown --model ${model}`);
  const o: WorkerOptions = {
    system,
    backend,
    batchSize: Number(values['batch-size']),
    samples: Number(values.samples),
    seed: Number(values.seed),
    threads: Number(values.threads),
    nonFinite: values['non-finite'],
    relaxedSimd: !values['no-relaxed-simd'],
    model,
  };
  const full = await loadFashionMnist({ download: false });
  // --test-samples: inference and test accuracy on the first N test images (the slow cpu conv rows).
  const testSamples = Math.min(Number(values['test-samples']), full.test.count);
  const data =
    testSamples < full.test.count ? { ...full, test: sliceSplit(full.test, 0, testSamples) } : full;
  let run: BenchRun;
  if (system === 'steadygrad') {
    const { runSteadygrad } = await import('./run-steadygrad.js');
    run = await runSteadygrad(data, o);
  } else {
    const { runTfjsLayers } = await import('./run-tfjs-layers.js');
    run = await runTfjsLayers(data, o);
  }
  const out = testSamples < full.test.count ? { ...run, testSamples } : run;
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
