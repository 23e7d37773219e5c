import { checkBoolean } from '../../validate.js';
import { relaxedSimdModuleBytes, simdModuleBytes } from './simd-functions.js';

/** The SIMD functions (each beside its kernel, listed in simd-functions.ts); pointers are byte offsets into the wasm backend's memory. */
export interface SimdKernels {
  /**
   * Batch normalization forward in training mode (statistics, normalized output, moving-statistic update) on
   * raw wasm memory.
   */
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
  /**
   * Batch normalization backward: the input, gamma and beta gradients from the saved statistics, on raw wasm
   * memory.
   */
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
  /**
   * A Dense layer's first backward step: the activation's gradient times the upstream gradient, and the bias
   * gradient.
   */
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
  /** One SGD (momentum, Nesterov) step: the new parameter and velocity from the old ones and the gradient. */
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
  /** The normalized input, transposed, for the fused batch normalization → Dense backward pass. */
  normalizedTranspose(
    x: number,
    mean: number,
    inv: number,
    rows: number,
    cols: number,
    c4: number,
    out: number,
  ): void;
  /** The normalized input, row-major, for the fused batch normalization → Dense backward pass. */
  normalizedRows(
    x: number,
    mean: number,
    inv: number,
    rows: number,
    cols: number,
    c4: number,
    out: number,
  ): void;
  /** The fused batch normalization → Dense parameter gradients: the Dense kernel, gamma and beta. */
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
  /** Converts uint8 bytes to float32 with a scale and an offset (batches of uint8 pixels). */
  bytesToF32(out: number, count: number, scale: number, offset: number): void;
  /**
   * The GEMM tiles of mat-mul/gemm-simd.ts, `C = A·B (+ bias) (relu)`: `gemm{R}x{C}` computes `m` rows (a multiple of R)
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
 * The fused multiply-add GEMM tiles of the relaxed-SIMD module (mat-mul/gemm-simd.ts, `GEMM_FMA_FUNCTIONS`): the same
 * parameters as their namesakes without `f`.
 */
export interface RelaxedSimdKernels {
  gemm4x8f: GemmFunction;
  gemm4x8cf: GemmFunction;
  gemm4x4cf: GemmFunction;
  gemm1x8f: GemmFunction;
  gemm4x4f: GemmFunction;
  gemm1x4f: GemmFunction;
}

/**
 * A GEMM tile function (see mat-mul/gemm-simd.ts): byte offsets `a`, `b`, `c`; `m` rows, `n` columns, inner size `k`;
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

/**
 * A module built from `bytes()`, compiled on first use (`null` once known not to compile here: no WebAssembly
 * SIMD, or no relaxed SIMD) and instantiated once per memory it imports.
 */
class LazyModule<K> {
  private compiled: WebAssembly.Module | null | undefined;
  private instance: { readonly memory: WebAssembly.Memory; readonly kernels: K } | undefined;

  constructor(private readonly bytes: () => Uint8Array<ArrayBuffer>) {}

  /** Forgets that the module did not compile, so that the next use tries again (after a V8 flag change). */
  retry(): void {
    if (this.compiled === null) this.compiled = undefined;
  }

  compiles(): boolean {
    if (this.compiled === undefined) {
      const bytes = this.bytes();
      this.compiled = null;
      if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) {
        try {
          this.compiled = new WebAssembly.Module(bytes);
        } catch {
          this.compiled = null;
        }
      }
    }
    return this.compiled !== null;
  }

  /** The exports instantiated against `memory`, or `undefined` when the module does not compile here. */
  on(memory: WebAssembly.Memory): K | undefined {
    if (!this.compiles()) return undefined;
    if (this.instance?.memory !== memory) {
      const exports = new WebAssembly.Instance(this.compiled as WebAssembly.Module, { env: { memory } })
        .exports;
      this.instance = { memory, kernels: exports as unknown as K };
    }
    return this.instance.kernels;
  }
}

const simdModule = new LazyModule<SimdKernels>(simdModuleBytes);
const relaxedModule = new LazyModule<RelaxedSimdKernels>(relaxedSimdModuleBytes);
let activeMemory: WebAssembly.Memory | undefined;
let enabled = true;
let relaxedEnabled = true;

/**
 * Set by the wasm backend's host-kernel wrapper before each host kernel runs: the backend's memory, which
 * the SIMD module imports so that it works on tensors in place.
 */
export function setHostMemory(memory: WebAssembly.Memory | undefined): void {
  activeMemory = memory;
}

/** Turns the SIMD paths off (`false`) or back on, e.g. to compare them with the JavaScript loops. */
export function setHostSimdEnabled(on: boolean): void {
  checkBoolean('setHostSimdEnabled', on);
  enabled = on;
}

/**
 * Turns the relaxed-SIMD (fused multiply-add) GEMM tiles off (`false`) or back on. Off, `hostMatMul` uses the
 * plain SIMD tiles everywhere, whose results are the same bits on every platform (with fused multiply-adds
 * they depend on whether the platform has relaxed SIMD and the CPU an FMA unit).
 */
export function setHostRelaxedSimdEnabled(on: boolean): void {
  checkBoolean('setHostRelaxedSimdEnabled', on);
  relaxedEnabled = on;
}

/** The memory `view` lives in when it is the wasm backend's (set by the host-kernel wrapper), else undefined. */
function memoryOf(view: Float32Array): WebAssembly.Memory | undefined {
  const memory = activeMemory;
  return memory !== undefined && view.buffer === memory.buffer ? memory : undefined;
}

/**
 * The SIMD kernels able to work on `view`, or `undefined`: when `view` is not a view of the wasm backend's
 * memory (the cpu backend), the platform lacks WebAssembly SIMD, or SIMD is turned off. The module is
 * compiled once and instantiated once per memory.
 */
export function hostSimd(view: Float32Array): SimdKernels | undefined {
  const memory = enabled ? memoryOf(view) : undefined;
  return memory === undefined ? undefined : simdModule.on(memory);
}

/**
 * The relaxed-SIMD GEMM tiles able to work on `view`, or `undefined`: as {@link hostSimd}, and also when the
 * platform lacks relaxed SIMD (Node < 22 without `--experimental-wasm-relaxed-simd`, which `useBackend('wasm')`
 * and `enableRelaxedSimd` set; Chrome < 114) or they
 * are turned off ({@link setHostRelaxedSimdEnabled}).
 */
export function hostRelaxedSimd(view: Float32Array): RelaxedSimdKernels | undefined {
  const memory = enabled && relaxedEnabled ? memoryOf(view) : undefined;
  return memory === undefined ? undefined : relaxedModule.on(memory);
}

/** Whether the SIMD kernels can run here (WebAssembly SIMD present and not turned off). */
export function hostSimdAvailable(): boolean {
  return enabled && simdModule.compiles();
}

/** Whether the relaxed-SIMD GEMM tiles can run here (relaxed SIMD present, SIMD and they not turned off). */
export function hostRelaxedSimdAvailable(): boolean {
  return enabled && relaxedEnabled && relaxedModule.compiles();
}

/**
 * Whether the relaxed-SIMD module compiles here (the platform has relaxed SIMD), whatever
 * {@link setHostRelaxedSimdEnabled} says; with `retry`, after forgetting an earlier failure.
 */
export function relaxedSimdCompiles(retry = false): boolean {
  if (retry) relaxedModule.retry();
  return relaxedModule.compiles();
}

/** The byte offset of `view` in its memory, or 0 for an omitted input. */
export function pointer(view: Float32Array | undefined): number {
  return view === undefined ? 0 : view.byteOffset;
}
