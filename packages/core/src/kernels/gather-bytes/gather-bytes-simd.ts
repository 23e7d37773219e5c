import type { FunctionSpec } from '../runtime/assembler.js';
import { locals } from '../simd/simd-code.js';

/**
 * `bytesToF32`: in place, `out[i] = f32(bytes[i]·scale + offset)` (float64 arithmetic, rounded once, like the
 * JavaScript `arraySource` loop) for `i < count`, where the `count` bytes were written at `out + 3·count`
 * (the last quarter of the output's own memory). Front to back, every byte is read before the float32
 * writes reach it (`4i + 3 < 3·count + i + 1` for `i < count`). Scalar: the win is leaving JavaScript.
 */
export const bytesToF32: FunctionSpec = {
  name: 'bytesToF32',
  params: [...locals('out count', 'i32'), ['scale', 'f64'], ['offset', 'f64']],
  locals: [...locals('src dst end', 'i32')],
  body: [
    'local.get out local.get count i32.const 3 i32.mul i32.add local.tee src',
    'local.get count i32.add local.set end local.get out local.set dst',
    'block local.get src local.get end i32.lt_u i32.eqz br_if 0 loop',
    'local.get dst local.get src i32.load8_u 0 f64.convert_i32_u local.get scale f64.mul local.get offset f64.add',
    'f32.demote_f64 f32.store 0',
    'local.get dst i32.const 4 i32.add local.set dst',
    'local.get src i32.const 1 i32.add local.tee src local.get end i32.lt_u br_if 0 end end',
  ],
};
