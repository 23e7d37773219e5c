// Runs kernel-peak.js (the roofline's GEMM kernel peak) in child processes, on one thread and on all cores.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelPeak } from './roofline.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The kernel peak (kernel-peak.js) on `threads` threads: GFLOP/s and what was measured. */
function kernelPeak(threads: number, relaxedSimd: boolean): { gflops: number; kernel: string } {
  const r = spawnSync(
    process.execPath,
    [
      join(here, 'kernel-peak.js'),
      '--threads',
      String(threads),
      ...(relaxedSimd ? [] : ['--no-relaxed-simd']),
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`kernel peak failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] as string) as { gflops: number; kernel: string };
}

/**
 * The kernel peak on one thread and on all the machine's cores (at most 64); with `before` (an earlier
 * measurement) the higher figure of the two for each: a shared machine only ever slows a measurement down.
 */
export function measurePeak(relaxedSimd: boolean, before?: KernelPeak): KernelPeak {
  const cores = Math.min(availableParallelism(), 64);
  const one = kernelPeak(1, relaxedSimd);
  const all = cores > 1 ? kernelPeak(cores, relaxedSimd) : one;
  return {
    oneThread: Math.max(one.gflops, before?.oneThread ?? 0),
    allThreads: Math.max(all.gflops, before?.allThreads ?? 0),
    threads: cores,
    kernel: one.kernel,
  };
}
