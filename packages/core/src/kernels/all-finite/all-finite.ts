import * as tf from '@tensorflow/tfjs-core';
import { type HostKernel, hostKernelAvailable, runHostKernel } from '../runtime/host-kernel.js';

/** `out = [1]` when every element of `x` is finite, else `[0]` (one loop, stops at the first bad value). */
export const allFiniteKernel: HostKernel = {
  name: 'SteadygradAllFinite',
  inputs: ['x'],
  outputs: ['out'],
  outputShapes: () => ({ out: [] }),
  compute(inputs, outputs) {
    const x = inputs.x!;
    let ok = 1;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      if (v - v !== 0) {
        ok = 0;
        break;
      }
    }
    outputs.out![0] = ok;
  },
};

/**
 * 1 (a float32 scalar, on the device: no read-back) when every element of `x` is finite, else 0: one host loop
 * on the cpu and wasm backends for float32 tensors, `all(isFinite(x))` elsewhere. An empty `x` is finite (1):
 * tfjs's `all` of an empty tensor is not (0 on cpu, an unset value on wasm). Not differentiable.
 */
export function allFinite(x: tf.Tensor): tf.Tensor {
  if (x.size === 0) return tf.scalar(1);
  if (x.dtype === 'float32' && hostKernelAvailable(allFiniteKernel)) {
    return runHostKernel(allFiniteKernel, { x }, {})[0]!;
  }
  return tf.tidy(() => tf.cast(tf.all(tf.isFinite(x)), 'float32'));
}
