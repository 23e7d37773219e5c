import * as tf from '@tensorflow/tfjs-core';

/*
 * The tfjs engine internals steadygrad relies on outside lazy-grad.ts, in one place (the kernel boundary of
 * docs/kernels.md: no library file outside this folder touches them). Each is a field or method of tfjs-core
 * 4.x's `Engine` that is not part of its documented API.
 */

/** The engine's tape state (tfjs-core 4.x `EngineState`), as far as steadygrad reads it. */
interface TapeState {
  gradientDepth: number;
  activeTape: { readonly saved?: tf.Tensor[] }[] | null;
}

function tapeState(): TapeState {
  return tf.engine().state as unknown as TapeState;
}

/** Whether a gradient tape is recording (inside `tf.grad`, `tf.variableGrads` and the like). */
export function gradientTapeRecording(): boolean {
  return tapeState().gradientDepth !== 0;
}

/**
 * Frees the tensors the gradient tape saved for a backward pass that will not run, after the function being
 * differentiated threw, exactly as tfjs frees them after a successful backward pass. Does nothing unless the
 * error left the outermost gradient scope (`gradientDepth` back at 0) with the tape still set. Without it
 * they leak (a handful per layer per failed step): the next `startTape` just drops the old tape.
 */
export function releaseAbandonedTape(): void {
  const state = tapeState();
  if (state.gradientDepth === 0 && Array.isArray(state.activeTape)) {
    for (const node of state.activeTape) {
      for (const t of node.saved ?? []) if (!t.isDisposed) t.dispose();
    }
    state.activeTape = null;
  }
}

/**
 * Runs the engine kernel `kernelName` on the active backend (what a tfjs op does: `engine().runKernel`),
 * returning its output or outputs. Used to call a kernel directly where the tfjs op would not (e.g.
 * `_FusedMatMul` while a tape records, which `tf.fused.matMul` unfuses).
 */
export function runEngineKernel(
  kernelName: string,
  inputs: tf.NamedTensorMap,
  attrs: Readonly<Record<string, unknown>>,
): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel(kernelName, inputs, attrs as unknown as tf.NamedAttrMap) as
    | tf.Tensor
    | tf.Tensor[];
}
