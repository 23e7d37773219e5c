// The control array a GEMM worker shares with the calling thread (Int32 slots), read by gemm-threads.ts and by
// the worker module gemm-worker.ts.

/** Job number, bumped by the caller to wake the worker (before it copies the operands). */
export const SEQ = 0;
/** Job number whose operands are in place: the worker starts. */
export const GO = 1;
/** Job number the worker finished last. */
export const DONE = 2;
/** 0 ok, 1 the job threw. */
export const STATUS = 3;
/** 1: relaxed-SIMD tiles, 0: plain, −1: stop. */
export const USE_FMA = 4;
/** First of the 12 job arguments: a b c m n k sai sak ldb ldc bias relu. */
export const ARGS = 5;
/** µs the worker's share took. */
export const ELAPSED = ARGS + 12;
/** Slots of the control array. */
export const CONTROL_SLOTS = ELAPSED + 1;

/** What the calling thread posts to a new worker: the tile modules, the shared memory, the control array. */
export interface GemmWorkerInit {
  readonly plain: WebAssembly.Module;
  readonly fma: WebAssembly.Module | null;
  readonly memory: WebAssembly.Memory;
  readonly control: Int32Array;
}
