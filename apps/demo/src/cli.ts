#!/usr/bin/env node
// The steadygrad demo CLI: `pnpm demo <experiment> [--backend auto|cpu|wasm|webgl|tensorflow] [--threads N]
// [--profile notebook|quick | --quick] [--epochs N] [--batch-size N] [--seed N] [--seeds N] [--limit N] [--json]`
// and `pnpm demo --list`.
import { parseArgs } from 'node:util';
import { BACKEND_CHOICES, type BackendChoice, setHostThreads, tf, useBackend } from '@steadygrad/core';
import { loadFashionMnist } from '@steadygrad/datasets';
import { integerFlag, parseCommandLine, profileFlag, runCommand, UsageError } from './cli-args.js';
import { experiments, findExperiment } from './experiments/index.js';
import { PROFILES } from './profile.js';
import { REPORT_USAGE } from './report/report-args.js';
import { reportMain } from './report/report-command.js';

const USAGE = `usage: pnpm demo <experiment> [--profile ${PROFILES.join('|')} | --quick] [--backend ${BACKEND_CHOICES.join('|')}] [--threads N] [--epochs N] [--batch-size N] [--seed N] [--seeds N] [--limit N] [--json]
       pnpm demo --list
       ${REPORT_USAGE.replace('usage: ', '')}`;

const positiveInt = (flag: string, value: string | undefined) => integerFlag(flag, value, { min: 1 });

export async function main(argv: readonly string[]): Promise<number> {
  // `pnpm demo report ...`: the reproduction report (src/report/), a command of its own.
  if (argv[0] === 'report') return reportMain(argv.slice(1));
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        profile: { type: 'string' },
        quick: { type: 'boolean', default: false },
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
    }),
  );
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
  if (name === undefined) throw new UsageError('which experiment? (pnpm demo --list shows them)');
  if (positionals.length > 1) {
    throw new UsageError(`one experiment at a time, got ${positionals.map((p) => `'${p}'`).join(', ')}`);
  }
  const experiment = findExperiment(name);
  if (experiment === undefined) {
    throw new UsageError(
      `unknown experiment '${name}'; expected one of: ${experiments.map((e) => e.name).join(', ')}`,
    );
  }
  const backendChoice = values.backend as BackendChoice;
  if (!(BACKEND_CHOICES as readonly string[]).includes(backendChoice)) {
    throw new UsageError(`--backend must be one of ${BACKEND_CHOICES.join(', ')}, got '${values.backend}'`);
  }
  const profile = profileFlag(values.profile, values.quick);
  const seed = integerFlag('--seed', values.seed) as number;
  // Every number is checked before anything runs, so a bad --limit fails at once, not after loading.
  const epochs = positiveInt('--epochs', values.epochs);
  const batchSize = positiveInt('--batch-size', values['batch-size']);
  const limit = positiveInt('--limit', values.limit);
  const seeds = positiveInt('--seeds', values.seeds);
  const threads = positiveInt('--threads', values.threads) ?? 1;
  const json = values.json;
  const log = json ? (line: string) => console.error(line) : (line: string) => console.log(line);
  // Backends are resolved from the app (which depends on them), not from the library. An explicit --threads
  // also sizes TensorFlow's intra-op pool, should the tensorflow backend be the one chosen.
  const info = await useBackend(backendChoice, {
    load: (name) => import(name),
    ...(values.threads === undefined ? {} : { tensorflowThreads: threads }),
  });
  // Worker threads split the wasm backend's large matrix products (core's setHostThreads).
  const threaded = info.name === 'wasm' || info.name === 'tensorflow';
  if (threads > 1 && !threaded) {
    log(`note: --threads applies to the wasm and tensorflow backends; ignored on ${info.name}`);
  } else if (threads > 1 && info.name === 'wasm') {
    await setHostThreads(threads);
  }
  const threadNote =
    values.threads === undefined || !threaded
      ? ''
      : `, ${threads} ${info.name === 'tensorflow' ? 'TensorFlow ' : ''}thread${threads > 1 ? 's' : ''}`;
  log(
    `steadygrad demo '${experiment.name}' on the ${info.name} backend${info.packageName ? ` (${info.packageName})` : ''}${info.relaxedSimd ? ', relaxed SIMD' : ''}${threadNote}`,
  );
  // Every experiment disposes its models, optimizer state and data tensors: tensorsLeaked (in the JSON line)
  // counts the tensors alive after the run that were not before it.
  const tensorsBefore = tf.memory().numTensors;
  const result = await experiment.run({
    backend: info.name,
    requestedBackend: backendChoice,
    profile,
    epochs,
    batchSize,
    seed,
    limit,
    seeds,
    log,
    verbose: json ? 0 : 1,
    loadFashionMnist: () => loadFashionMnist(),
  });
  const tensorsLeaked = tf.memory().numTensors - tensorsBefore;
  if (json) console.log(JSON.stringify({ ...result, tensorsLeaked }));
  else log(`tensors leaked: ${tensorsLeaked}`);
  return 0;
}

runCommand(() => main(process.argv.slice(2)), USAGE);
