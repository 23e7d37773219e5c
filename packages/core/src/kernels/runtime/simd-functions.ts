import { bnGrad, bnTrain } from '../batch-norm/batch-norm-simd.js';
import { biasActGrad } from '../bias-act-grad/bias-act-grad-simd.js';
import { bytesToF32 } from '../gather-bytes/gather-bytes-simd.js';
import { GEMM_FMA_FUNCTIONS, GEMM_FUNCTIONS } from '../mat-mul/gemm-simd.js';
import {
  normalizedRows,
  normalizedTranspose,
  paramGrad,
} from '../normalized-dense-grad/normalized-dense-grad-simd.js';
import { sgdStep } from '../sgd-step/sgd-step-simd.js';
import { assembleModule, type FunctionSpec } from './assembler.js';

/*
 * The SIMD module is built from this explicit list: each kernel's WebAssembly SIMD twin lives beside its
 * JavaScript loop (kernels/<op>/<op>-simd.ts) and is listed here once. Each computes exactly what its
 * JavaScript twin computes, in the same order and in float64 where the JavaScript does, so both give
 * bit-identical results: the JavaScript loops stay the reference and the fallback (cpu backend, no SIMD).
 * A new SIMD function: write it beside its kernel, add it here and to `SimdKernels` (simd-module.ts).
 */

/** The functions of the SIMD module, in export order. */
export const SIMD_FUNCTIONS: readonly FunctionSpec[] = [
  bnTrain,
  bnGrad,
  biasActGrad,
  sgdStep,
  normalizedTranspose,
  normalizedRows,
  paramGrad,
  bytesToF32,
  ...GEMM_FUNCTIONS,
];

/** The module's bytes (built once, on first use). */
let bytes: Uint8Array<ArrayBuffer> | undefined;
/** The SIMD module's bytes, assembled from {@link SIMD_FUNCTIONS} on first use. */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= assembleModule(SIMD_FUNCTIONS);
  return bytes;
}

/** The relaxed-SIMD module's bytes (fused multiply-add GEMM tiles; built once, on first use). */
let relaxedBytes: Uint8Array<ArrayBuffer> | undefined;
/** The relaxed-SIMD module's bytes: the fused multiply-add GEMM tiles, assembled on first use. */
export function relaxedSimdModuleBytes(): Uint8Array<ArrayBuffer> {
  relaxedBytes ??= assembleModule(GEMM_FMA_FUNCTIONS);
  return relaxedBytes;
}
