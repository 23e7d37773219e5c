import { SteadygradError } from '../../errors.js';
import { isNode } from '../../is-node.js';
import { GEMM_FMA_FUNCTIONS, GEMM_FUNCTIONS } from '../mat-mul/gemm-simd.js';
import { runGemmTiles } from '../mat-mul/gemm-tiles.js';
import { assembleModule } from './assembler.js';
import { ARGS, CONTROL_SLOTS, DONE, ELAPSED, GO, SEQ, STATUS, USE_FMA } from './gemm-control.js';

/*
 * Worker threads for core's `hostMatMul`: the rows of `C` are split between the calling thread and
 * `threads − 1` workers, each running the same SIMD tiles (gemm-tiles.ts), so results are bit-identical to
 * one thread.
 *
 * The wasm backend's memory is not shared (tfjs's threaded wasm build cannot start its workers in Node), so the
 * workers compute on a shared `WebAssembly.Memory` of their own: the calling thread copies `B`, the rows of `A`
 * the workers need (all of it when `A` is read transposed) and the bias there, wakes the workers
 * (`Atomics.notify`), computes its own rows in place, waits for theirs (`Atomics.wait`) and copies them back.
 * On the project's 2-core machine a batch-256 product of the seed (256 × 784 · 784 × 300) takes 2.9 ms on
 * 2 threads against 5.3 ms on 1, copies included, and the seed's batch-256 `fit` epoch 3.6 s against 4.7 s.
 * Products under `minMultiplyAdds` stay on one thread: there the copies and the wake-up (~0.3 ms on a virtual
 * machine) cost about what they save.
 */

/**
 * The default of `setHostThreads`' `minMultiplyAdds`: 2²³. On the project's 2-core VM the seed's batch-32
 * products (7.5M multiply-adds) gained nothing from a second thread over a full epoch (a worker competes with
 * V8's compiler threads while the code warms up), its batch-256 ones (60M) ~45%.
 */
export const MIN_THREADED_MACS = 1 << 23;

/** Maximum size of the workers' shared memory: 1 GiB (address space is reserved, not memory). */
const SHARED_MAXIMUM_PAGES = 16384;

/** How long the calling thread waits for a worker before giving up with an error. */
const WAIT_TIMEOUT_MS = 60_000;

/** The worker module's built file, beside this one's (a variable: bundlers leave `new URL(name, …)` alone). */
const WORKER_FILE = 'gemm-worker.js';

/**
 * The URL of the worker module (gemm-worker.ts), a real module that imports `runGemmTiles` like the calling
 * thread does. From the built package it is the file beside this one. Under vitest this module runs from
 * `src/` as TypeScript, which Node 20's workers cannot load: the worker then comes from the package's built
 * `dist/` (core's test task depends on its build).
 */
export function gemmWorkerUrl(here: string = import.meta.url): URL {
  const src = here.lastIndexOf('/src/');
  if (here.endsWith('.ts') && src >= 0) {
    const dir = here.slice(0, here.lastIndexOf('/') + 1);
    return new URL(`${here.slice(0, src)}/dist/${dir.slice(src + '/src/'.length)}${WORKER_FILE}`);
  }
  return new URL(WORKER_FILE, here);
}

/** What a worker needs from node:worker_threads' `Worker`. */
interface WorkerHandle {
  postMessage(message: unknown): void;
  once(event: 'message' | 'error' | 'exit', listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface Pool {
  readonly workers: readonly { readonly handle: WorkerHandle; readonly control: Int32Array }[];
  readonly memory: WebAssembly.Memory;
  /** Products with fewer multiply-adds stay on the calling thread. */
  minMultiplyAdds: number;
  /**
   * Each worker's speed relative to the calling thread's, from the products so far (moving average): its share
   * of the rows. Waking a thread, a busy core or a slower core make a worker finish late with equal shares.
   */
  readonly speeds: number[];
  /** Whether the workers have the relaxed-SIMD tiles. */
  readonly fma: boolean;
  seq: number;
}

let pool: Pool | undefined;
/** Serializes `setHostThreads` calls. */
let pending: Promise<void> = Promise.resolve();
/** Products split over threads so far (for tests and diagnostics). */
let threaded = 0;

/** How many products `hostMatMul` has split over threads in this process. */
export function threadedProducts(): number {
  return threaded;
}

/** The number of threads `hostMatMul` uses: 1 (the default) or what {@link setHostThreads} set. */
export function hostThreads(): number {
  return pool === undefined ? 1 : pool.workers.length + 1;
}

async function stop(p: Pool): Promise<void> {
  for (const w of p.workers) {
    w.control[USE_FMA] = -1;
    const seq = Atomics.add(w.control, SEQ, 1) + 1;
    Atomics.notify(w.control, SEQ);
    Atomics.store(w.control, GO, seq);
    Atomics.notify(w.control, GO);
  }
  await Promise.all(p.workers.map((w) => w.handle.terminate()));
}

async function start(threads: number): Promise<Pool> {
  if (!isNode() || typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    throw new SteadygradError(
      'BACKEND_UNAVAILABLE',
      `setHostThreads(${threads}): threads need Node's worker_threads with SharedArrayBuffer and Atomics; this platform runs hostMatMul on one thread`,
    );
  }
  const compile = (functions: Parameters<typeof assembleModule>[0]): WebAssembly.Module | null => {
    const bytes = assembleModule(functions, { sharedMaximumPages: SHARED_MAXIMUM_PAGES });
    return WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  };
  const plain = compile(GEMM_FUNCTIONS);
  if (plain === null) {
    throw new SteadygradError(
      'BACKEND_UNAVAILABLE',
      `setHostThreads(${threads}): this platform has no WebAssembly SIMD with threads (shared memory)`,
    );
  }
  const fma = compile(GEMM_FMA_FUNCTIONS);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  const specifier = 'node:worker_threads';
  const { Worker } = (await import(/* @vite-ignore */ specifier)) as {
    Worker: new (file: URL, options: { execArgv: string[] }) => WorkerHandle;
  };
  const file = gemmWorkerUrl();
  // No inherited Node options: the worker needs none (it imports only core's own files), V8 flags such as
  // --experimental-wasm-relaxed-simd are per process and refused in a worker's execArgv, and `--input-type`
  // (a parent run as `node --input-type=module -e`) is refused for a worker started from a file.
  const execArgv: string[] = [];
  const started = await Promise.allSettled(
    Array.from({ length: threads - 1 }, async () => {
      const handle = new Worker(file, { execArgv });
      const control = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
      await new Promise<void>((resolve, reject) => {
        handle.once('message', () => resolve());
        handle.once('error', (e) =>
          reject(
            new SteadygradError(
              'BACKEND_UNAVAILABLE',
              `a GEMM worker thread failed to start (${file.href}): ${e instanceof Error ? e.message : String(e)}`,
              {
                cause: e,
              },
            ),
          ),
        );
        handle.postMessage({ plain, fma, memory, control });
      });
      // Idle workers must not keep the process alive.
      handle.unref();
      return { handle, control };
    }),
  );
  const workers = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed !== undefined) {
    // Stop the workers that did start before reporting the one that did not.
    await Promise.all(workers.map((w) => w.handle.terminate()));
    throw failed.reason;
  }
  return {
    workers,
    memory,
    minMultiplyAdds: MIN_THREADED_MACS,
    speeds: workers.map(() => 1),
    fma: fma !== null,
    seq: 0,
  };
}

/** Options of {@link setHostThreads}. */
export interface HostThreadsOptions {
  /**
   * Products `m × k · k × n` with fewer than this many multiply-adds (`m·k·n`) stay on the calling thread.
   * Default {@link MIN_THREADED_MACS} (2²³), measured on a 2-core VM; machines whose cores wake faster may gain
   * from a lower one.
   */
  readonly minMultiplyAdds?: number;
}

/**
 * Use `threads` threads (the calling one and `threads − 1` workers) for `hostMatMul`'s large products on the
 * wasm backend — on the project's 2-core machine the seed's batch-256 training epoch runs ~1.3x faster; `1`
 * (the default) stops the workers. Results are bit-identical whatever the count. Node only for now (browsers
 * would need cross-origin isolation for `SharedArrayBuffer`): elsewhere it throws `BACKEND_UNAVAILABLE`. Idle
 * workers sleep and do not keep the process alive. A sensible choice is the number of physical cores.
 */
export function setHostThreads(threads: number, options: HostThreadsOptions = {}): Promise<void> {
  const { minMultiplyAdds = MIN_THREADED_MACS } = options;
  const bad = (what: string, value: unknown): Promise<void> =>
    Promise.reject(
      new SteadygradError(
        'INVALID_ARGUMENT',
        `setHostThreads expects ${what}, got ${typeof value === 'number' ? value : JSON.stringify(value)}`,
      ),
    );
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    return bad('an integer from 1 to 64', threads);
  }
  if (typeof minMultiplyAdds !== 'number' || !(minMultiplyAdds >= 0)) {
    return bad('minMultiplyAdds to be a number ≥ 0', minMultiplyAdds);
  }
  const run = async (): Promise<void> => {
    if (threads !== hostThreads()) {
      const old = pool;
      pool = undefined;
      if (old !== undefined) await stop(old);
      if (threads > 1) pool = await start(threads);
    }
    if (pool !== undefined) pool.minMultiplyAdds = minMultiplyAdds;
  };
  pending = pending.then(run, run);
  return pending;
}

/**
 * Runs `C = act(op(A)·B + bias)` split over the worker threads, or returns `false` (nothing done) when there are
 * none, the product is small, or the shared memory cannot hold it; the caller then runs it on its own thread.
 * `heap` is a float32 view of the whole memory `plain`/`fma` work on; `a`, `b`, `c`, `bias` (0: none) are byte
 * offsets in it, of row-major `A` (`[k, m]` with `transposeA`, else `[m, k]`), `B` (`[k, n]`) and `C` (`[m, n]`).
 */
export function runGemmThreaded(
  heap: Float32Array,
  plain: Parameters<typeof runGemmTiles>[0],
  fma: Parameters<typeof runGemmTiles>[1],
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  transposeA: boolean,
  bias: number,
  relu: number,
): boolean {
  const p = pool;
  if (p === undefined || m * n * k < p.minMultiplyAdds || (fma !== null && !p.fma)) return false;
  // Rows per thread in proportion to the threads' speeds, multiples of 4 (whole 4-row tiles); the calling
  // thread takes the first share, the last worker what is left.
  const total = p.speeds.reduce((x, y) => x + y, 1);
  const share = (speed: number): number => Math.max(4, Math.round((m * speed) / total / 4) * 4);
  const first = share(1);
  if (first >= m) return false;
  const rowsOf: number[] = [];
  for (let i = 0, r0 = first; i < p.workers.length; i++) {
    const rows = i === p.workers.length - 1 ? m - r0 : Math.min(m - r0, share(p.speeds[i] as number));
    rowsOf.push(rows);
    r0 += rows;
  }
  // Byte strides of op(A) along its rows and along k.
  const sai = transposeA ? 4 : 4 * k;
  const sak = transposeA ? 4 * m : 4;
  // Shared layout (floats): B | A (rows first…m, or all of A when read transposed) | bias | C rows first…m.
  const bLen = k * n;
  const aLen = transposeA ? k * m : (m - first) * k;
  const cLen = (m - first) * n;
  const sb = 0;
  const sa = sb + bLen;
  const sbias = sa + aLen;
  const sc = sbias + (bias === 0 ? 0 : n);
  const bytes = 4 * (sc + cLen);
  const pages = Math.ceil(bytes / 65536);
  const have = p.memory.buffer.byteLength / 65536;
  if (pages > have) {
    if (pages > SHARED_MAXIMUM_PAGES) return false;
    p.memory.grow(pages - have);
  }
  p.seq += 1;
  const seq = p.seq;
  // Wake the workers now: they get going while the operands are copied.
  for (const w of p.workers) {
    Atomics.store(w.control, SEQ, seq);
    Atomics.notify(w.control, SEQ);
  }
  const shared = new Float32Array(p.memory.buffer);
  shared.set(heap.subarray(b >> 2, (b >> 2) + bLen), sb);
  const aFrom = (a >> 2) + (transposeA ? 0 : first * k);
  shared.set(heap.subarray(aFrom, aFrom + aLen), sa);
  if (bias !== 0) shared.set(heap.subarray(bias >> 2, (bias >> 2) + n), sbias);
  const mode = fma === null ? 0 : 1;
  let r0 = first;
  p.workers.forEach((w, i) => {
    const rows = rowsOf[i] as number;
    // Row r of op(A) in the shared copy: transposed, column r of A; else row r − first of the copied rows.
    const aRow = transposeA ? 4 * (sa + r0) : 4 * sa + (r0 - first) * sai;
    const cRow = 4 * sc + (r0 - first) * 4 * n;
    w.control.set(
      [aRow, 4 * sb, cRow, rows, n, k, sai, sak, 4 * n, 4 * n, bias === 0 ? 0 : 4 * sbias, relu],
      ARGS,
    );
    w.control[USE_FMA] = mode;
    Atomics.store(w.control, GO, seq);
    Atomics.notify(w.control, GO);
    r0 += rows;
  });
  const go = performance.now();
  runGemmTiles(plain, fma, a, b, c, first, n, k, sai, sak, 4 * n, 4 * n, bias, relu);
  const mainDone = performance.now();
  for (const [i, w] of p.workers.entries()) {
    // Spin (the worker's share takes about as long as ours), checking the clock now and then.
    let spins = 0;
    let deadline = 0;
    while (Atomics.load(w.control, DONE) !== seq) {
      if (++spins % 4096 !== 0) continue;
      const now = performance.now();
      if (deadline === 0) deadline = now + WAIT_TIMEOUT_MS;
      else if (now > deadline) {
        throw new SteadygradError(
          'BACKEND_UNAVAILABLE',
          `a GEMM worker thread did not answer in ${WAIT_TIMEOUT_MS} ms`,
        );
      }
    }
    if (w.control[STATUS] !== 0) {
      throw new SteadygradError(
        'BACKEND_UNAVAILABLE',
        'a GEMM worker thread failed on its share of a matrix product',
      );
    }
    // The worker's time from the go: as seen here when we had to wait for it, else (it finished first) its own
    // measure of its work.
    const seen = performance.now();
    const took =
      seen - mainDone > 0.02 ? seen - go : Math.min((w.control[ELAPSED] as number) / 1000, mainDone - go);
    const rows = rowsOf[i] as number;
    if (rows > 0 && took > 0 && mainDone > go) {
      const relative = rows / took / (first / (mainDone - go));
      const speed = 0.7 * (p.speeds[i] as number) + 0.3 * relative;
      p.speeds[i] = Math.min(4, Math.max(0.25, speed));
    }
  }
  heap.set(shared.subarray(sc, sc + cLen), (c >> 2) + first * n);
  threaded += 1;
  return true;
}
