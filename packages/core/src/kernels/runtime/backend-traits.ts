import * as tf from '@tensorflow/tfjs-core';
import { hostSimdAvailable } from './simd-module.js';

/**
 * What the kernels and the layers' ops need to know about the active backend to choose a path, as
 * capabilities rather than names: the one place that maps a backend's name to them (the kernel boundary of
 * docs/kernels.md). A new backend, or a backend gaining a capability, changes this file only.
 */
export interface BackendTraits {
  /**
   * Host kernels run in place on the backend's WebAssembly memory with core's SIMD module (the `wasm`
   * backend, WebAssembly SIMD present and not turned off by `setHostSimdEnabled(false)`).
   */
  readonly hostSimd: boolean;
  /**
   * Host kernels run as scalar JavaScript loops on a backend whose own kernels are compiled SIMD code (the
   * `wasm` backend without the SIMD module): there a host loop loses to the backend's own ops on large
   * tensors, and a fused host pass must save more than it costs.
   */
  readonly hostLoopsScalar: boolean;
  /**
   * The backend's matrix product re-packs its second operand whenever that tensor is new (the `wasm`
   * backend's XNNPACK fully-connected kernel): a trained kernel matrix is new every step, so arranging it
   * as the first operand avoids the re-pack.
   */
  readonly repacksMatMulOperand: boolean;
}

/** The {@link BackendTraits} of the active backend. */
export function backendTraits(): BackendTraits {
  const wasm = tf.getBackend() === 'wasm';
  const simd = wasm && hostSimdAvailable();
  return { hostSimd: simd, hostLoopsScalar: wasm && !simd, repacksMatMulOperand: wasm };
}
