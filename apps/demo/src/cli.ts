#!/usr/bin/env node
// The steadygrad demo CLI: `pnpm demo <experiment> [--backend auto|cpu|wasm|tensorflow] [--threads N]
// [--epochs N] [--batch-size N] [--seed N] [--seeds N] [--limit N] [--json]` and `pnpm demo --list`.
import { parseArgs } from 'node:util';
import {
  BACKEND_CHOICES,
  type BackendChoice,
  SteadygradError,
  setHostThreads,
  tf,
  useBackend,
} from '@steadygrad/core';
import { loadFashionMnist } from '@steadygrad/datasets';
import { experiments, findExperiment } from './experiments/index.js';

const USAGE = `usage: pnpm demo <experiment> [--backend auto|cpu|wasm|tensorflow] [--threads N] [--epochs N] [--batch-size N] [--seed N] [--seeds N] [--limit N] [--json]
       pnpm demo --list`;

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new SteadygradError('INVALID_ARGUMENT', `${flag} must be a positive integer, got '${value}'`);
  }
  return n;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'auto' },
      threads: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      seed: { type: 'string', default: '42' },
      limit: { type: 'string' },
      seeds: { type: 'string' },
      json: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    const width = Math.max(...experiments.map((e) => e.name.length));
    for (const e of experiments) console.log(`${e.name.padEnd(width)}  ${e.description}`);
    return 0;
  }
  const name = positionals[0];
  if (name === undefined) {
    console.error(USAGE);
    return 2;
  }
  const experiment = findExperiment(name);
  if (experiment === undefined) {
    throw new SteadygradError(
      'UNKNOWN_NAME',
      `unknown experiment '${name}'; expected one of: ${experiments.map((e) => e.name).join(', ')}`,
    );
  }
  const backendChoice = values.backend as BackendChoice;
  if (!(BACKEND_CHOICES as readonly string[]).includes(backendChoice)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${values.backend}'`,
    );
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `--seed must be a non-negative integer, got '${values.seed}'`,
    );
  }
  const json = values.json;
  const log = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  // Backends are resolved from the app (which depends on them), not from the library.
  const threads = positiveInt('--threads', values.threads) ?? 1;
  const info = await useBackend(backendChoice, { load: (name) => import(name) });
  // Worker threads split the wasm backend's large matrix products (core's setHostThreads).
  if (threads > 1 && info.name !== 'wasm') {
    log(`note: --threads applies to the wasm backend; ignored on ${info.name}`);
  } else if (threads > 1) {
    await setHostThreads(threads);
  }
  log(
    `steadygrad demo '${experiment.name}' on the ${info.name} backend${info.packageName ? ` (${info.packageName})` : ''}${info.relaxedSimd ? ', relaxed SIMD' : ''}${threads > 1 && info.name === 'wasm' ? `, ${threads} threads` : ''}`,
  );
  // Every experiment disposes its models, optimizer state and data tensors: tensorsLeaked (in the JSON line)
  // counts the tensors alive after the run that were not before it.
  const tensorsBefore = tf.memory().numTensors;
  const result = await experiment.run({
    backend: info.name,
    requestedBackend: backendChoice,
    epochs: positiveInt('--epochs', values.epochs),
    batchSize: positiveInt('--batch-size', values['batch-size']),
    seed,
    limit: positiveInt('--limit', values.limit),
    seeds: positiveInt('--seeds', values.seeds),
    log,
    verbose: json ? 0 : 1,
    loadFashionMnist: () => loadFashionMnist(),
  });
  const tensorsLeaked = tf.memory().numTensors - tensorsBefore;
  if (json) console.log(JSON.stringify({ ...result, tensorsLeaked }));
  else log(`tensors leaked: ${tensorsLeaked}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof SteadygradError) console.error(`error [${e.code}]: ${e.message}`);
    else console.error(e);
    process.exitCode = 1;
  },
);
