import * as tf from '@tensorflow/tfjs-core';
import { type HostKernel, hostKernelAvailable, runHostKernel } from '../runtime/host-kernel.js';

/**
 * `out = flag ≠ 0 ? a : b` for a one-element `flag`: a plain copy (`TypedArray.set`, memcpy speed) of one of
 * the two inputs. Replaces `tf.where(scalarFlag, a, b)`, which the wasm backend runs by tiling the flag to
 * the full shape first.
 */
export const selectByFlagKernel: HostKernel<Record<string, never>> = {
  name: 'SteadygradSelectByFlag',
  inputs: ['flag', 'a', 'b'],
  outputs: ['out'],
  outputShapes: (s) => ({ out: s.a }),
  compute(i, o) {
    const flag = i.flag as Float32Array;
    (o.out as Float32Array).set((flag[0] as number) !== 0 ? (i.a as Float32Array) : (i.b as Float32Array));
  },
};

/**
 * `flag ? a : b` for a scalar (or one-element) `flag` (bool or number, on the device: no read-back) and two
 * tensors of the same shape: ONE copy kernel on the cpu and wasm backends for float32 tensors, `tf.where`
 * elsewhere. Not differentiable (use it on values outside the gradient tape, e.g. to keep or roll back a
 * parameter update). Returns a new tensor; disposes nothing.
 */
export function selectByFlag(flag: tf.Tensor, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (flag.size !== 1) throw new Error(`selectByFlag: flag must hold one value, got shape [${flag.shape}]`);
  if (!tf.util.arraysEqual(a.shape, b.shape) || a.dtype !== b.dtype) {
    throw new Error(
      `selectByFlag: a and b must have the same shape and dtype, got [${a.shape}] ${a.dtype} and [${b.shape}] ${b.dtype}`,
    );
  }
  if (a.dtype === 'float32' && hostKernelAvailable(selectByFlagKernel)) {
    return tf.tidy(() => {
      const f = flag.dtype === 'float32' ? tf.reshape(flag, [1]) : tf.cast(tf.reshape(flag, [1]), 'float32');
      return runHostKernel(selectByFlagKernel, { flag: f, a, b }, {})[0] as tf.Tensor;
    });
  }
  return tf.tidy(() => tf.where(tf.cast(tf.reshape(flag, []), 'bool'), a, b));
}
