import type { FunctionSpec } from '../runtime/assembler.js';
import { accumulate, columnGroups, locals, promote, rowLoop, splat2, store4 } from '../simd/simd-code.js';

/**
 * `biasActGrad`: `dz = dy·step(y)` (`relu` non-zero; `dy·1` or `dy·0` in float32, as the JavaScript loop) or
 * `dz = dy`, and `db = Σ_rows dz`, for columns `[0, c4)` of `[rows, cols]` matrices.
 */
export const biasActGrad: FunctionSpec = {
  name: 'biasActGrad',
  params: [...locals('dy y rows cols c4 relu dz db', 'i32')],
  locals: [...locals('stride c p q r end', 'i32'), ...locals('v one zero sLo sHi', 'v128')],
  body: [
    'f64.const 0 f64x2.splat local.set zero',
    // f32x4 of 1.0, to AND with the y > 0 mask.
    'f64.const 1 f64x2.splat f32x4.demote_f64x2_zero local.tee v local.get v i8x16.shuffle',
    [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7],
    'local.set one',
    ...columnGroups('dy', [
      ...splat2('sLo', 'sHi', 0),
      ...rowLoop(
        'dy',
        [
          'local.get p v128.load 0 local.set v',
          'local.get relu if local.get v local.get r v128.load 0 local.get zero f32x4.gt local.get one v128.and f32x4.mul local.set v end',
          'local.get q local.get v v128.store 0',
          ...promote('v', 0),
          ...accumulate('sLo'),
          ...promote('v', 1),
          ...accumulate('sHi'),
        ],
        [
          ['r', 'y'],
          ['q', 'dz'],
        ],
      ),
      ...store4('db', 'sLo', 'sHi'),
    ]),
  ],
};
