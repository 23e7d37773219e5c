import { isNode } from '../../is-node.js';
import { relaxedSimdCompiles } from './simd-module.js';

/** What `enableRelaxedSimd` needs from `node:v8`. */
interface V8Flags {
  setFlagsFromString(flags: string): void;
}

/**
 * Makes WebAssembly relaxed SIMD available to core's fused multiply-add GEMM tiles in a Node process whose V8
 * implements it behind a flag: Node 20 and 21 (`--experimental-wasm-relaxed-simd`). Node ≥ 22 and Chrome ≥ 114
 * have it by default, and nothing is changed there, nor outside Node. It sets that flag with `node:v8`'s
 * `setFlagsFromString`, for the whole process: WebAssembly modules compiled afterwards may use the relaxed
 * instructions (as they may on Node 22). The flag is read when a module is compiled, so this works at any time;
 * GEMM worker threads started before it keep the plain tiles (call it before `setHostThreads`).
 *
 * Why: the tiles are bound by the CPU's vector multiply and add ports; one fused multiply-add per product
 * instead of a multiply and an add took ~13% off a training step of the seed model at batch 32 and ~19% at
 * batch 256 (Intel Xeon, Node 20, paired runs in one process). Results change by float32 rounding only (one
 * rounding per multiply-add; see `hostMatMul`). `useBackend('wasm')` calls this unless given
 * `relaxedSimd: false`.
 *
 * Resolves to whether relaxed SIMD is available now; never rejects (a runtime without `node:v8` or that
 * ignores the flag just resolves to `false`).
 */
export async function enableRelaxedSimd(): Promise<boolean> {
  if (relaxedSimdCompiles()) return true;
  if (!isNode()) return false;
  try {
    const specifier = 'node:v8';
    const v8 = (await import(/* @vite-ignore */ specifier)) as V8Flags;
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return relaxedSimdCompiles(true);
}
