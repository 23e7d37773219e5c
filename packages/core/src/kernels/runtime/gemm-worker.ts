// A GEMM worker thread (Node's worker_threads; started by gemm-threads.ts from this module's built file): it
// instantiates the tile modules on the shared memory, then runs its share of each product with the same
// `runGemmTiles` as the calling thread, until told to stop. Not imported by anything: a worker's entry point.
import { parentPort } from 'node:worker_threads';
import type { GemmTiles } from '../mat-mul/gemm-tiles.js';
import { runGemmTiles } from '../mat-mul/gemm-tiles.js';
import { ARGS, DONE, ELAPSED, type GemmWorkerInit, GO, SEQ, STATUS, USE_FMA } from './gemm-control.js';
import type { RelaxedSimdKernels } from './simd-module.js';

/** Runs jobs on `control` until the caller sets {@link USE_FMA} to −1. */
function serve(port: NonNullable<typeof parentPort>, init: GemmWorkerInit): void {
  const { plain, fma, memory, control } = init;
  const env = { env: { memory } };
  const p = new WebAssembly.Instance(plain, env).exports as unknown as GemmTiles;
  const f =
    fma === null ? null : (new WebAssembly.Instance(fma, env).exports as unknown as RelaxedSimdKernels);
  let seq = 0;
  port.postMessage('ready');
  for (;;) {
    // Sleep until woken. (Spinning instead, to skip the wake-up, measured slower over a training epoch: the
    // spinning thread takes the core V8's compiler and garbage-collector threads need.)
    Atomics.wait(control, SEQ, seq);
    seq = Atomics.load(control, SEQ);
    // Woken while the caller copies the operands (waking takes ~0.3 ms on a VM, as long as the copies): spin
    // until they are in place. A later go (the caller failed before this one's) means: run that job.
    for (let go = Atomics.load(control, GO), n = 0; go < seq; go = Atomics.load(control, GO)) {
      if (++n % 1024 === 0 && n > 1 << 22) Atomics.wait(control, GO, go, 50);
    }
    seq = Atomics.load(control, GO);
    const mode = control[USE_FMA] as number;
    if (mode < 0) break;
    try {
      const t0 = performance.now();
      const g = control.subarray(ARGS, ARGS + 12) as unknown as number[];
      runGemmTiles(
        p,
        mode === 1 ? f : null,
        g[0]!,
        g[1]!,
        g[2]!,
        g[3]!,
        g[4]!,
        g[5]!,
        g[6]!,
        g[7]!,
        g[8]!,
        g[9]!,
        g[10]!,
        g[11]!,
      );
      control[ELAPSED] = Math.round((performance.now() - t0) * 1000);
      control[STATUS] = 0;
    } catch {
      control[STATUS] = 1;
    }
    Atomics.store(control, DONE, seq);
    Atomics.notify(control, DONE);
  }
  port.close();
}

if (parentPort !== null) {
  const port = parentPort;
  port.once('message', (init: GemmWorkerInit) => serve(port, init));
}
