import type * as tf from '@tensorflow/tfjs-core';
import type { NativeHandle, NativeTensorflow } from './kernels/runtime/native-tensorflow.js';

/**
 * How a byte batch becomes float32 in TensorFlow with exactly the values of `arraySource`'s table
 * (`fround(b · scale + offset)`, float64 arithmetic rounded once), chosen once per source by trying every byte
 * value: float32 arithmetic after a `Cast` when it gives those values for all 256 bytes — a division by
 * `fround(1 / scale)` (e.g. `scale = 1/255`: every `fround(b / 255)` equals `fround(b · (1/255))`), or a
 * multiplication by `fround(scale)` plus `fround(offset)` — else a `GatherV2` from the table. Element-wise ops
 * are ~10x cheaper than the gather there.
 */
export type BytePlan =
  | { readonly kind: 'divide'; readonly divisor: number }
  | { readonly kind: 'multiply'; readonly scale: number; readonly offset: number }
  | { readonly kind: 'lookup' };

/** The {@link BytePlan} for `table` (the 256 converted byte values) made with `scale` and `offset`. */
export function bytePlan(table: Float32Array, scale: number, offset: number): BytePlan {
  const all = (f: (b: number) => number) => table.every((v, b) => Object.is(f(b), v));
  const divisor = Math.fround(1 / scale);
  if (offset === 0 && Number.isFinite(divisor) && divisor !== 0 && all((b) => Math.fround(b / divisor))) {
    return { kind: 'divide', divisor };
  }
  const s = Math.fround(scale);
  const o = Math.fround(offset);
  if (all((b) => (offset === 0 ? Math.fround(b * s) : Math.fround(Math.fround(b * s) + o)))) {
    return { kind: 'multiply', scale: s, offset: offset === 0 ? 0 : o };
  }
  return { kind: 'lookup' };
}

/**
 * `bytes` (uint8, `shape`) as a float32 tensor of `shape` on the `tensorflow` backend, by `plan`; `key` names the
 * source's table among the cached constants. The bytes go up as uint8 (a quarter of float32's copy).
 */
export function bytesToFloatTensorflow(
  native: NativeTensorflow,
  bytes: Uint8Array,
  shape: readonly number[],
  table: Float32Array,
  plan: BytePlan,
  key: string,
): tf.Tensor {
  const raw = native.uint8Tensor(shape, bytes);
  const temps: NativeHandle[] = [raw];
  try {
    const cast = (to: 'float32' | 'int32') => {
      const h = native.run1(
        'Cast',
        [raw],
        [native.type('SrcT', 'uint8'), native.type('DstT', to), native.bool('Truncate', false)],
      );
      temps.push(h);
      return h;
    };
    const f = native.float;
    if (plan.kind === 'divide') {
      return native.wrap(native.run1('RealDiv', [cast('float32'), native.scalar(plan.divisor)], [f]));
    }
    if (plan.kind === 'multiply') {
      const scaled = native.run1('Mul', [cast('float32'), native.scalar(plan.scale)], [f]);
      if (plan.offset === 0) return native.wrap(scaled);
      temps.push(scaled);
      return native.wrap(native.run1('AddV2', [scaled, native.scalar(plan.offset)], [f]));
    }
    const out = native.run1(
      'GatherV2',
      [native.cachedFloats(key, table), cast('int32'), native.int32Scalar(0)],
      [
        native.type('Tparams', 'float32'),
        native.type('Tindices', 'int32'),
        native.type('Taxis', 'int32'),
        native.attrInt('batch_dims', 0),
      ],
    );
    return native.wrap(out);
  } finally {
    native.free(...temps);
  }
}
