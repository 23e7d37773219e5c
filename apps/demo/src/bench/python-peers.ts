// The Python peers of `pnpm bench`: PyTorch (tooling/bench/pytorch_peer.py) and Keras 3 on TensorFlow
// (tooling/bench/keras_peer.py), each run in its own Python process; their last stdout line is a BenchRun.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Job } from './bench-plan.js';
import type { BenchRun } from './bench-types.js';

/** The Python systems of the bench: PyTorch, Keras 3 (TensorFlow backend) and Keras 3 with XLA (`jit_compile`). */
export const PYTHON_SYSTEMS: readonly string[] = ['pytorch', 'keras', 'keras-xla'];

function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string);
}

/** The peer script and its arguments for `job` (a PyTorch, Keras or Keras-with-XLA job). */
export function pythonPeerArgs(repoRoot: string, job: Job, seed: number): string[] {
  const keras = job.system === 'keras' || job.system === 'keras-xla';
  return [
    join(repoRoot, 'tooling/bench', keras ? 'keras_peer.py' : 'pytorch_peer.py'),
    '--batch-size',
    String(job.batchSize),
    '--samples',
    String(job.samples),
    '--seed',
    String(seed),
    '--threads',
    String(job.threads),
    ...(job.system === 'keras-xla' ? ['--jit'] : []),
    ...(job.model === 'cnn' ? ['--model', 'cnn'] : []),
  ];
}

/** Runs one Python peer job with `python` and returns its measurement as a BenchRun (throws if it fails). */
export function runPythonPeer(python: string, repoRoot: string, job: Job, seed: number): BenchRun {
  const r = spawnSync(python, pythonPeerArgs(repoRoot, job, seed), { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${job.system} peer failed: ${r.stderr}`);
  const p = lastJsonLine(r.stdout) as Record<string, number>;
  return {
    system: job.system,
    backend: 'cpu',
    threads: job.threads,
    batchSize: job.batchSize,
    ...(job.model === 'cnn' ? { model: 'cnn' as const } : {}),
    samples: p.samples as number,
    epochSeconds: p.epochSeconds as number,
    samplesPerSecond: p.samplesPerSecond as number,
    testAccuracy: p.testAccuracy as number,
    inferenceSeconds: p.inferenceSeconds as number,
    peakRssMb: p.peakRssMb as number,
    tensorsLeaked: null,
    tensorsAlive: null,
    extrapolated: (p.samples as number) < 60000,
  };
}
