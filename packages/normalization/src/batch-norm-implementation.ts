import type { Tensor } from '@steadygrad/core';
import {
  type BatchNormTrainingOptions,
  batchNormTraining,
  batchNormTrainingOps,
  batchNormTrainingReference,
} from './batch-norm-ops.js';

/**
 * How a BatchNormalization layer computes training mode: `'fused'` (the layer's op: core's host kernels on
 * cpu/wasm for channels-last inputs, else the tfjs-op composition), `'ops'` (always the tfjs-op composition),
 * `'reference'` (the plain autodiff composition). All compute the same values and gradients; the choice exists
 * for the package's equivalence tests and benchmarks only, so it is not part of the public API (this module is
 * not exported from the package's index).
 */
export type BatchNormImplementation = 'fused' | 'ops' | 'reference';

const IMPLEMENTATIONS = {
  fused: batchNormTraining,
  ops: batchNormTrainingOps,
  reference: batchNormTrainingReference,
} as const;

const chosen = new WeakMap<object, BatchNormImplementation>();

/** Test-only: makes `layer` compute training mode with `implementation` (default `'fused'`). */
export function setBatchNormImplementation(layer: object, implementation: BatchNormImplementation): void {
  if (!(implementation in IMPLEMENTATIONS)) throw new Error(`unknown implementation '${implementation}'`);
  chosen.set(layer, implementation);
}

/** The implementation `layer` computes training mode with (`'fused'` unless a test chose another). */
export function batchNormImplementation(layer: object): BatchNormImplementation {
  return chosen.get(layer) ?? 'fused';
}

/** Training-mode batch normalization by `layer`'s implementation. */
export function batchNormTrainingFor(layer: object, x: Tensor, options: BatchNormTrainingOptions): Tensor {
  return IMPLEMENTATIONS[batchNormImplementation(layer)](x, options);
}
