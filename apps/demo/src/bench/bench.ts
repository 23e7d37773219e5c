#!/usr/bin/env node
// `pnpm bench [--quick] [--json] [--reps N] [--threads N] [--cpu | --no-cpu] [--no-tensorflow] [--also-ignore-non-finite] [--no-relaxed-simd] [--no-conv] [--samples N] [--python PATH] [--keras-xla]`:
// seed cell 5 BN-MLP, SGD momentum 0.9, one epoch of Fashion-MNIST at batch 32 and 256, then inference on the
// 10,000 test images — steadygrad (`fit`), tfjs-layers on the same backend (wasm; cpu at reduced size) and
// PyTorch and Keras 3 (tooling/bench/*_peer.py), steadygrad and the Python peers on 1 thread and on `--threads` threads
// (default: the machine's cores), each run in its own child process, order alternating between repetitions,
// figures are medians over repetitions. Where `pnpm setup:tensorflow` has built tfjs-node's binding, steadygrad
// and tfjs-layers also run on the `tensorflow` backend in the same repetitions, with TensorFlow's thread pool at 1
// and at `--threads` threads (`--no-tensorflow` skips them).
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { integerFlag, parseCommandLine, runCommand } from '../cli-args.js';
import { BATCHES, capSamples, type Job, planFor } from './bench-plan.js';
import { markdownTable, pairedRatios, ratios, summarize } from './bench-stats.js';
import type { BenchRun } from './bench-types.js';
import { CONV_BATCH, convPlanFor, convSummary, convTable } from './conv-bench.js';
import { measurePeak } from './measure-peak.js';
import { peerRatios, pytorch2Status } from './peer-ratios.js';
import { peerLines, rooflineLine } from './peer-report.js';
import { kerasAvailable, peerPython, tensorflowAvailable, torchAvailable } from './peers.js';
import { PYTHON_SYSTEMS, runPythonPeer } from './python-peers.js';
import { roofline } from './roofline.js';
import { tensorflowLine, tensorflowRatios } from './tensorflow-ratios.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');

/**
 * The Python that runs the PyTorch and Keras peers: `--python PATH`, else {@link peerPython}
 * (`$STEADYGRAD_BENCH_PYTHON`, the `pnpm bench:peers` venv, `/usr/bin/python3`).
 */
let python = peerPython(repoRoot);

function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string);
}

/**
 * `--no-relaxed-simd`: steadygrad's workers call `useBackend` with `relaxedSimd: false` and
 * `setHostRelaxedSimdEnabled(false)`, so its matrix products use the plain SIMD tiles instead of fused
 * multiply-adds (by default `useBackend` enables relaxed SIMD, through V8's flag on Node 20/21). The peers do not
 * use relaxed SIMD: tfjs-backend-wasm ships no relaxed build, PyTorch is native code.
 */
let relaxedSimd = true;

function runJob(job: Job, seed: number): BenchRun & { loadAverage: number } {
  const load = loadavg()[0] as number;
  if (PYTHON_SYSTEMS.includes(job.system)) {
    return { ...runPythonPeer(python, repoRoot, job, seed), loadAverage: load };
  }
  const r = spawnSync(
    process.execPath,
    [
      join(here, 'bench-worker.js'),
      '--system',
      job.system,
      '--backend',
      job.backend,
      '--batch-size',
      String(job.batchSize),
      '--samples',
      String(job.samples),
      '--seed',
      String(seed),
      '--threads',
      String(job.threads),
      ...(job.nonFinite === undefined ? [] : ['--non-finite', job.nonFinite]),
      ...(job.system === 'steadygrad' && !relaxedSimd ? ['--no-relaxed-simd'] : []),
      ...(job.model === 'cnn' ? ['--model', 'cnn'] : []),
      ...(job.testSamples === undefined ? [] : ['--test-samples', String(job.testSamples)]),
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  if (r.status !== 0) throw new WorkerFailed(job.system, r.stderr);
  return { ...(lastJsonLine(r.stdout) as BenchRun), loadAverage: load };
}

/** A bench worker that exited with an error (its stderr kept, and its first error line for reports). */
class WorkerFailed extends Error {
  readonly firstLine: string;
  constructor(system: string, stderr: string) {
    super(`${system} worker failed: ${stderr}`);
    const line = stderr.split('\n').find((l) => /error/i.test(l)) ?? stderr.split('\n')[0] ?? '';
    this.firstLine = line.trim();
  }
}

/**
 * The conv rows (see conv-bench.ts): steadygrad on wasm and cpu, tfjs-layers on cpu (and one try on wasm,
 * whose error is recorded), PyTorch on one thread; order rotating between repetitions.
 */
function runConv(
  quick: boolean,
  reps: number | undefined,
  samples: number | undefined,
  seed: number,
  withTorch: boolean,
  log: (l: string) => void,
) {
  const plan = convPlanFor(quick, reps, samples);
  let tfjsLayersWasm: string | null = null;
  try {
    runJob(
      {
        system: 'tfjs-layers',
        backend: 'wasm',
        threads: 1,
        batchSize: CONV_BATCH,
        samples: 64,
        model: 'cnn',
      },
      seed,
    );
  } catch (e) {
    if (!(e instanceof WorkerFailed)) throw e;
    tfjsLayersWasm = e.firstLine;
  }
  log(`conv: tfjs-layers on wasm: ${tfjsLayersWasm ?? 'trained'}`);
  const runs: (BenchRun & { loadAverage: number; repetition: number })[] = [];
  for (let rep = 0; rep < plan.reps; rep++) {
    const jobs: Job[] = [
      {
        system: 'steadygrad',
        backend: 'wasm',
        threads: 1,
        batchSize: CONV_BATCH,
        samples: plan.wasmSamples,
        model: 'cnn',
      },
      {
        system: 'steadygrad',
        backend: 'cpu',
        threads: 1,
        batchSize: CONV_BATCH,
        samples: plan.cpuSamples,
        model: 'cnn',
        testSamples: plan.cpuTestSamples,
      },
      {
        system: 'tfjs-layers',
        backend: 'cpu',
        threads: 1,
        batchSize: CONV_BATCH,
        samples: plan.cpuSamples,
        model: 'cnn',
        testSamples: plan.cpuTestSamples,
      },
    ];
    if (withTorch)
      jobs.push({
        system: 'pytorch',
        backend: 'cpu',
        threads: 1,
        batchSize: CONV_BATCH,
        samples: plan.wasmSamples,
        model: 'cnn',
      });
    for (const job of rotate(jobs, rep)) {
      const r = { ...runJob(job, seed + rep), repetition: rep };
      log(
        `conv rep ${rep + 1}/${plan.reps} ${r.system} ${r.backend} batch ${r.batchSize}: ${r.samplesPerSecond.toFixed(0)} samples/s, ${r.epochSeconds.toFixed(1)} s/epoch, acc ${r.testAccuracy.toFixed(4)} (load ${r.loadAverage.toFixed(2)})`,
      );
      runs.push(r);
    }
  }
  return { runs, ...convSummary(runs, tfjsLayersWasm) };
}

function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = by % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

async function main(): Promise<void> {
  const { values } = parseCommandLine(() =>
    parseArgs({
      strict: true,
      options: {
        quick: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        reps: { type: 'string' },
        seed: { type: 'string', default: '42' },
        'no-cpu': { type: 'boolean', default: false },
        cpu: { type: 'boolean', default: false },
        'no-tensorflow': { type: 'boolean', default: false },
        'also-ignore-non-finite': { type: 'boolean', default: false },
        'no-relaxed-simd': { type: 'boolean', default: false },
        threads: { type: 'string' },
        'no-conv': { type: 'boolean', default: false },
        samples: { type: 'string' },
        python: { type: 'string' },
        'keras-xla': { type: 'boolean', default: false },
      },
    }),
  );
  if (values.python !== undefined) python = values.python;
  const samples = integerFlag('--samples', values.samples, { min: 32 });
  const threads =
    integerFlag('--threads', values.threads, { min: 1, max: 64 }) ?? Math.min(availableParallelism(), 64);
  relaxedSimd = !values['no-relaxed-simd'];
  const reps = integerFlag('--reps', values.reps, { min: 1 });
  const plan = capSamples(planFor(values.quick, reps), samples);
  const seed = integerFlag('--seed', values.seed) as number;
  const torch = torchAvailable(python);
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  if (!torch.ok) log(`note: PyTorch peer skipped: ${torch.why}`);
  const keras = kerasAvailable(python);
  if (!keras.ok) log(`note: Keras peer skipped: ${keras.why}`);
  const kerasSystems = keras.ok
    ? values['keras-xla']
      ? (['keras', 'keras-xla'] as const)
      : (['keras'] as const)
    : [];
  const tensorflow = values['no-tensorflow'] ? { ok: false, why: '--no-tensorflow' } : tensorflowAvailable();
  if (!tensorflow.ok) log(`note: tensorflow-backend rows skipped: ${tensorflow.why}`);
  const started = new Date();
  // The kernel peak before the runs and after them (measurePeak): the higher of each is the less disturbed.
  const peakBefore = measurePeak(relaxedSimd);
  const runs: (BenchRun & { loadAverage: number; repetition: number })[] = [];
  for (let rep = 0; rep < plan.reps; rep++) {
    for (const batchSize of BATCHES) {
      const wasm = plan.wasmSamples[batchSize] as number;
      const jobs: Job[] = [
        { system: 'steadygrad', backend: 'wasm', threads: 1, batchSize, samples: wasm },
        { system: 'tfjs-layers', backend: 'wasm', threads: 1, batchSize, samples: wasm },
      ];
      if (threads > 1)
        jobs.push({ system: 'steadygrad', backend: 'wasm', threads, batchSize, samples: wasm });
      if (values['also-ignore-non-finite']) {
        jobs.push({
          system: 'steadygrad',
          backend: 'wasm',
          threads: 1,
          batchSize,
          samples: wasm,
          nonFinite: 'ignore',
        });
      }
      if (tensorflow.ok) {
        const samples = plan.tensorflowSamples[batchSize] as number;
        // `threads` here is TensorFlow's intra-op pool, for both systems: 1, and --threads (TensorFlow's own
        // default is one per core).
        for (const n of threads > 1 ? [1, threads] : [1]) {
          jobs.push({ system: 'steadygrad', backend: 'tensorflow', threads: n, batchSize, samples });
          jobs.push({ system: 'tfjs-layers', backend: 'tensorflow', threads: n, batchSize, samples });
        }
      }
      if (torch.ok) {
        jobs.push({ system: 'pytorch', backend: 'cpu', threads: 1, batchSize, samples: wasm });
        if (threads > 1) jobs.push({ system: 'pytorch', backend: 'cpu', threads, batchSize, samples: wasm });
      }
      for (const system of kerasSystems) {
        jobs.push({ system, backend: 'cpu', threads: 1, batchSize, samples: wasm });
        if (threads > 1) jobs.push({ system, backend: 'cpu', threads, batchSize, samples: wasm });
      }
      for (const job of rotate(jobs, rep)) {
        const r = { ...runJob(job, seed + rep), repetition: rep };
        log(
          `rep ${rep + 1}/${plan.reps} ${r.system} ${r.backend} ${r.threads} thread(s) batch ${r.batchSize}: ${r.samplesPerSecond.toFixed(0)} samples/s, ${r.epochSeconds.toFixed(2)} s/epoch, acc ${r.testAccuracy.toFixed(4)} (load ${r.loadAverage.toFixed(2)})`,
        );
        runs.push(r);
      }
    }
  }
  // The cpu rows (tfjs's cpu backend, reduced size; inference alone takes ~15–50 s there) are part of the
  // full run; --quick skips them unless --cpu is given.
  const withCpu = values.quick ? values.cpu : !values['no-cpu'];
  if (!withCpu) log('note: cpu-backend rows skipped (--quick without --cpu, or --no-cpu)');
  if (withCpu) {
    for (let rep = 0; rep < plan.cpuReps; rep++) {
      for (const batchSize of BATCHES) {
        const samples = plan.cpuSamples[batchSize] as number;
        const jobs: Job[] = [
          { system: 'steadygrad', backend: 'cpu', threads: 1, batchSize, samples },
          { system: 'tfjs-layers', backend: 'cpu', threads: 1, batchSize, samples },
        ];
        for (const job of rotate(jobs, rep)) {
          const r = { ...runJob(job, seed + rep), repetition: rep };
          log(
            `cpu ${r.system} batch ${r.batchSize}: ${r.samplesPerSecond.toFixed(0)} samples/s (load ${r.loadAverage.toFixed(2)})`,
          );
          runs.push(r);
        }
      }
    }
  }
  const conv = values['no-conv'] ? undefined : runConv(values.quick, reps, samples, seed, torch.ok, log);
  if (conv === undefined) log('note: conv rows skipped (--no-conv)');
  const summaries = summarize(runs);
  const r = ratios(summaries, 'wasm', threads);
  const status = { pytorch2: pytorch2Status(torch), keras: keras.ok ? null : `Keras skipped: ${keras.why}` };
  const peer = peerRatios(summaries, status);
  const roof = roofline(summaries, measurePeak(relaxedSimd, peakBefore));
  const cpuRatio = ratios(summaries, 'cpu').vsTfjsLayers;
  const paired = pairedRatios(runs, 'wasm');
  const tf = tensorflow.ok ? tensorflowRatios(summaries, threads) : null;
  const tfPaired = tensorflow.ok ? pairedRatios(runs, 'tensorflow').vsTfjsLayers : null;
  const cpu = cpus();
  const steadygradWasm = runs.filter((x) => x.system === 'steadygrad' && x.backend === 'wasm');
  const fused = steadygradWasm.filter((x) => x.relaxedSimd === true).length;
  const viaFlag = /^2[01]\./.test(process.versions.node) ? ", enabled by useBackend through V8's flag" : '';
  let relaxedNote = 'steadygrad with and without WebAssembly relaxed SIMD (mixed rows)';
  if (fused === steadygradWasm.length) {
    relaxedNote = `steadygrad's matrix products with WebAssembly relaxed SIMD (fused multiply-adds${viaFlag})`;
  } else if (fused === 0) {
    const why = relaxedSimd ? 'not available here' : '--no-relaxed-simd';
    relaxedNote = `steadygrad's matrix products without WebAssembly relaxed SIMD (${why})`;
  }
  const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown cpu'}, Node ${process.versions.node}, ${relaxedNote}`;
  const loads = runs.map((x) => x.loadAverage);
  const header = [
    `# steadygrad bench${values.quick ? ' (quick: partial epochs, extrapolated to 60,000 samples)' : ''}`,
    '',
    `${started.toISOString()} — ${machine} — 1-min load average during runs ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}${torch.ok ? ` — PyTorch: ${torch.why}` : ` — PyTorch skipped: ${torch.why}`} ${keras.ok ? ` — Keras: ${keras.why}` : ''} — steadygrad, PyTorch and Keras on 1${threads > 1 ? ` and on ${threads}` : ''} thread${threads > 1 ? 's' : ''}, tfjs-layers on 1`,
    '',
  ].join('\n');
  console.log(header);
  console.log(markdownTable(summaries, r, paired));
  console.log(
    `\ncpu backend, steadygrad ÷ tfjs-layers samples/s: batch 32 ${cpuRatio.batch32?.toFixed(2) ?? '—'}, batch 256 ${cpuRatio.batch256?.toFixed(2) ?? '—'} (reduced size)`,
  );
  if (tf !== null && tfPaired !== null) console.log(tensorflowLine(tf, tfPaired));
  console.log(`\n${peerLines(peer, status)}`);
  console.log(rooflineLine(roof));
  if (conv !== undefined) console.log(`\n${convTable(conv.summaries, conv.ratios)}`);
  if (values.json) {
    console.log(
      JSON.stringify({
        date: started.toISOString(),
        machine,
        quick: values.quick,
        pytorch: torch.ok ? torch.why : `skipped: ${torch.why}`,
        keras: keras.ok ? keras.why : `skipped: ${keras.why}`,
        runs,
        summaries,
        tensorflow: tensorflow.ok ? tensorflow.why : `skipped: ${tensorflow.why}`,
        ratios: {
          ...r,
          ...peer,
          cpuVsTfjsLayers: cpuRatio,
          paired,
          tensorflowVsTfjsLayers: tf?.best ?? null,
          tensorflowVsTfjsLayersOneThread: tf?.oneThread ?? null,
          tensorflowVsTfjsLayersSameThreads: tf?.sameThreads ?? null,
          tensorflowBestThreads: tf?.bestThreads ?? null,
          tensorflowVsTfjsLayersPaired: tfPaired,
        },
        roofline: roof,
        ...(conv === undefined
          ? {}
          : { conv: { runs: conv.runs, summaries: conv.summaries, ratios: conv.ratios } }),
      }),
    );
  }
}

runCommand(
  main,
  'usage: pnpm bench [--quick] [--json] [--reps N] [--seed N] [--threads N (1-64)] [--cpu | --no-cpu] [--no-tensorflow] [--also-ignore-non-finite] [--no-relaxed-simd] [--no-conv] [--samples N] [--python PATH] [--keras-xla]',
);
