import { SteadygradError } from '../../errors.js';
import { simdModuleBytes } from './kernels.js';

/** The SIMD functions (see kernels.ts); pointers are byte offsets into the wasm backend's memory. */
export interface SimdKernels {
  bnTrain(
    x: number,
    rows: number,
    cols: number,
    c4: number,
    gamma: number,
    beta: number,
    eps: number,
    momentum: number,
    oneMinusMomentum: number,
    mean: number,
    inv: number,
    mm: number,
    mv: number,
    nm: number,
    nv: number,
    y: number,
  ): void;
  bnGrad(
    dy: number,
    x: number,
    mean: number,
    inv: number,
    gamma: number,
    rows: number,
    cols: number,
    c4: number,
    inputGrad: number,
    dx: number,
    dgamma: number,
    dbeta: number,
  ): void;
  biasActGrad(
    dy: number,
    y: number,
    rows: number,
    cols: number,
    c4: number,
    relu: number,
    dz: number,
    db: number,
  ): void;
  sgdStep(
    w: number,
    v: number,
    g: number,
    n4: number,
    factor: number,
    mu: number,
    nesterov: number,
    nw: number,
    nv: number,
  ): void;
  normalizedTranspose(
    x: number,
    mean: number,
    inv: number,
    rows: number,
    cols: number,
    c4: number,
    out: number,
  ): void;
  normalizedRows(
    x: number,
    mean: number,
    inv: number,
    rows: number,
    cols: number,
    c4: number,
    out: number,
  ): void;
  paramGrad(
    m: number,
    w: number,
    s: number,
    gamma: number,
    beta: number,
    rowsN: number,
    n: number,
    dw: number,
    dgamma: number,
    dbeta: number,
  ): void;
  bytesToF32(out: number, count: number, scale: number, offset: number): void;
  /**
   * The GEMM tiles of gemm.ts, `C = A·B (+ bias) (relu)`: `gemm{R}x{C}` computes `m` rows (a multiple of R)
   * × `n` columns (a multiple of C); the `c` forms need `sai` = 4.
   */
  gemm4x8: GemmFunction;
  gemm4x8c: GemmFunction;
  gemm4x4c: GemmFunction;
  gemm1x8: GemmFunction;
  gemm4x4: GemmFunction;
  gemm1x4: GemmFunction;
  gemm1x1: GemmFunction;
}

/**
 * A GEMM tile function (see gemm.ts): byte offsets `a`, `b`, `c`; `m` rows, `n` columns, inner size `k`;
 * byte strides `sai`, `sak` of `A` (rows, inner), `ldb`, `ldc` of the rows of `B` and `C`; `bias` offset or 0;
 * `relu` 0 or 1.
 */
export type GemmFunction = (
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  sai: number,
  sak: number,
  ldb: number,
  ldc: number,
  bias: number,
  relu: number,
) => void;

// `undefined`: not compiled yet; `null`: this platform has no WebAssembly SIMD (or compiling failed).
let compiled: WebAssembly.Module | null | undefined;
let instance: { readonly memory: WebAssembly.Memory; readonly kernels: SimdKernels } | undefined;
let activeMemory: WebAssembly.Memory | undefined;
let enabled = true;

/**
 * Set by the wasm backend's host-kernel wrapper before each host kernel runs: the backend's memory, which
 * the SIMD module imports so that it works on tensors in place.
 */
export function setHostMemory(memory: WebAssembly.Memory | undefined): void {
  activeMemory = memory;
}

/** Turns the SIMD paths off (`false`) or back on, e.g. to compare them with the JavaScript loops. */
export function setHostSimdEnabled(on: boolean): void {
  if (typeof on !== 'boolean') {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `setHostSimdEnabled expects a boolean, got ${JSON.stringify(on)}`,
    );
  }
  enabled = on;
}

function compile(): WebAssembly.Module | null {
  const bytes = simdModuleBytes();
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) return null;
  try {
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}

/**
 * The SIMD kernels able to work on `view`, or `undefined`: when `view` is not a view of the wasm backend's
 * memory (the cpu backend), the platform lacks WebAssembly SIMD, or SIMD is turned off. The module is
 * compiled once and instantiated once per memory.
 */
export function hostSimd(view: Float32Array): SimdKernels | undefined {
  const memory = activeMemory;
  if (!enabled || memory === undefined || view.buffer !== memory.buffer) return undefined;
  if (compiled === undefined) compiled = compile();
  if (compiled === null) return undefined;
  if (instance?.memory !== memory) {
    const exports = new WebAssembly.Instance(compiled, { env: { memory } }).exports;
    instance = { memory, kernels: exports as unknown as SimdKernels };
  }
  return instance.kernels;
}

/** Whether the SIMD kernels can run here (WebAssembly SIMD present and not turned off). */
export function hostSimdAvailable(): boolean {
  if (!enabled) return false;
  if (compiled === undefined) compiled = compile();
  return compiled !== null;
}

/** The byte offset of `view` in its memory, or 0 for an omitted input. */
export function pointer(view: Float32Array | undefined): number {
  return view === undefined ? 0 : view.byteOffset;
}
