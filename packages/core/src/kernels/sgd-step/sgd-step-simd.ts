import type { FunctionSpec } from '../runtime/assembler.js';
import { locals } from '../simd/simd-code.js';

/** `u = g·factor` for the 4 floats at byte `k`. */
const SGD_U = ['local.get g local.get k i32.add v128.load 0 local.get fac f32x4.mul local.set u'];
/** `t = v·μ + u`, `v' = t`. */
const SGD_MOMENTUM = [
  'local.get v local.get k i32.add v128.load 0 local.get m f32x4.mul local.get u f32x4.add local.set t',
  'local.get nv local.get k i32.add local.get t v128.store 0',
];
/** `w' = w + t`. */
const SGD_W = [
  'local.get nw local.get k i32.add local.get w local.get k i32.add v128.load 0 local.get t f32x4.add v128.store 0',
];
/** `do { body; k += 16 } while (k < end)` (the caller checks `end > 0`). */
function sgdLoop(body: readonly string[]): string[] {
  return ['loop', ...body, 'local.get k i32.const 16 i32.add local.tee k local.get end i32.lt_u br_if 0 end'];
}

/**
 * `sgdStep`: the SGD update of `sgdStepKernel` for elements `[0, n4)`, in float32 like the unfused chain:
 * `u = g·factor` (`factor` = −lr as a float32); without momentum (`v` = 0) `w' = w + u`; otherwise
 * `t = v·μ + u`, `v' = t`, `w' = w + t`, or with Nesterov `w' = w + (t·μ + u)`.
 */
export const sgdStep: FunctionSpec = {
  name: 'sgdStep',
  params: [
    ...locals('w v g n4', 'i32'),
    ['factor', 'f64'],
    ['mu', 'f64'],
    ...locals('nesterov nw nv', 'i32'),
  ],
  locals: [...locals('k end', 'i32'), ...locals('fac m u t', 'v128')],
  body: [
    'local.get factor f32.demote_f64 f32x4.splat local.set fac local.get mu f32.demote_f64 f32x4.splat local.set m',
    'local.get n4 i32.const 2 i32.shl local.set end i32.const 0 local.set k',
    // One loop per variant (the branches hoisted out of the loop: V8 does not), each a do-while over 4 floats.
    'local.get end if',
    'local.get v if',
    'local.get nesterov if',
    ...sgdLoop([
      ...SGD_U,
      ...SGD_MOMENTUM,
      'local.get t local.get m f32x4.mul local.get u f32x4.add local.set t',
      ...SGD_W,
    ]),
    'else',
    ...sgdLoop([...SGD_U, ...SGD_MOMENTUM, ...SGD_W]),
    'end',
    'else',
    ...sgdLoop([...SGD_U, 'local.get u local.set t', ...SGD_W]),
    'end',
    'end',
  ],
};
