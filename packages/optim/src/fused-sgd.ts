import { type Params, type Tensor, tf } from '@steadygrad/core';
import {
  backendTraits,
  hostKernelAvailable,
  runHostKernel,
  sgdStepKernel,
  sgdStepMultiKernel,
} from '@steadygrad/core/kernels';
import type { ScaleByLearningRateState } from './scale-by-learning-rate.js';
import type { TraceState } from './trace.js';

/**
 * On wasm without WebAssembly SIMD for host kernels, parameters larger than this are updated with the
 * backend's elementwise kernels instead of one scalar JavaScript pass, which is slower per element; below it
 * the saved kernel dispatches win.
 */
const WASM_JS_LOOP_MAX_SIZE = 16384;

/**
 * The fused form of `sgd()` without clipping: the new parameter values and the new chain state
 * (`[scaleByLearningRate state, trace state?]`, the exact shapes the unfused chain produces, so
 * checkpoints and `setLearningRate` work the same), with one kernel per parameter instead of four or
 * five (on `tensorflow`: the same TensorFlow ops without tfjs's dispatch). `undefined` when the active backend
 * has no host kernels (webgl) or a parameter has no momentum state: the caller then runs the unfused chain.
 */
export function fusedSgdApply(
  grads: Params,
  state: readonly unknown[],
  params: Params,
  learningRate: number,
  momentum: number,
  nesterov: boolean,
): { params: Record<string, Tensor>; state: readonly unknown[] } | undefined {
  if (!hostKernelAvailable(sgdStepKernel)) return undefined;
  const lrState = state[0] as ScaleByLearningRateState;
  const traceState = momentum > 0 ? (state[1] as TraceState) : undefined;
  const names = Object.keys(grads);
  for (const name of names) {
    if (!Object.hasOwn(params, name)) return undefined;
    if (traceState !== undefined && !Object.hasOwn(traceState.trace, name)) return undefined;
    const g = grads[name] as Tensor;
    if (g.dtype !== 'float32' || (params[name] as Tensor).dtype !== 'float32') return undefined;
  }
  const out: Record<string, Tensor> = {};
  const trace: Record<string, Tensor> = {};
  const attrs = { learningRate, momentum, nesterov };
  // With WebAssembly SIMD (or on cpu) the host kernel is fastest at every size; as scalar loops on wasm,
  // large tensors go to the backend's own SIMD kernels.
  const scalarLoops = backendTraits().hostLoopsScalar;
  const nextLr: ScaleByLearningRateState = { count: lrState.count + 1, learningRate: lrState.learningRate };
  if (!scalarLoops && names.length > 1) {
    // Every parameter in one kernel.
    const withV = traceState !== undefined;
    const inputs: Record<string, Tensor | undefined> = {};
    names.forEach((name, k) => {
      inputs[`w${k}`] = params[name] as Tensor;
      if (withV) inputs[`v${k}`] = traceState.trace[name];
      inputs[`g${k}`] = grads[name] as Tensor;
    });
    const results = runHostKernel(sgdStepMultiKernel(names.length, withV), inputs, attrs);
    const per = withV ? 2 : 1;
    names.forEach((name, k) => {
      out[name] = results[per * k] as Tensor;
      if (withV) trace[name] = results[per * k + 1] as Tensor;
    });
    return { params: out, state: withV ? [nextLr, { trace }] : [nextLr] };
  }
  for (const name of names) {
    const v = traceState?.trace[name];
    const w = params[name] as Tensor;
    const g = grads[name] as Tensor;
    if (scalarLoops && w.size > WASM_JS_LOOP_MAX_SIZE) {
      // Large tensors on wasm: the backend's SIMD elementwise kernels beat one scalar JS pass. Same ops, same
      // order as the unfused chain (bit-identical).
      const u = tf.mul(g, tf.scalar(-learningRate));
      if (v === undefined) {
        out[name] = tf.add(w, u);
        continue;
      }
      const mu = tf.scalar(momentum);
      const t = tf.add(tf.mul(v, mu), u);
      trace[name] = t;
      out[name] = tf.add(w, nesterov ? tf.add(tf.mul(t, mu), u) : t);
      continue;
    }
    const [newW, newV] = runHostKernel(sgdStepKernel, { w, v, g }, attrs);
    out[name] = newW as Tensor;
    if (newV !== undefined) trace[name] = newV;
  }
  return { params: out, state: traceState === undefined ? [nextLr] : [nextLr, { trace }] };
}
