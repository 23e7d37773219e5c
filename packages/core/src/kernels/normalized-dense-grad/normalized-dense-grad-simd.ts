import type { FunctionSpec } from '../runtime/assembler.js';
import {
  type Code,
  columnGroups,
  demoteJoin,
  HIGH_TO_LOW,
  load4,
  locals,
  promote,
  rowLoop,
} from '../simd/simd-code.js';

/**
 * `normalizedRows`: `x̂[r, c] = (x[r, c] − μ[c])·inv[c]` (float64, rounded once) for columns `[0, c4)` of an
 * `[rows, cols]` matrix, written to `out` `[rows, cols]` (the values of {@link normalizedTranspose}, not
 * transposed: for `x̂ᵀ·dZ` by a GEMM that reads `x̂` transposed in place).
 */
export const normalizedRows: FunctionSpec = {
  name: 'normalizedRows',
  params: [...locals('x mean inv rows cols c4 out', 'i32')],
  locals: [...locals('stride c p q end', 'i32'), ...locals('v mLo mHi iLo iHi t u', 'v128')],
  body: [
    ...columnGroups('x', [
      ...load4('mean', 'mLo', 'mHi'),
      ...load4('inv', 'iLo', 'iHi'),
      ...rowLoop(
        'x',
        [
          'local.get p v128.load 0 local.set v',
          ...promote('v', 0),
          'local.get mLo f64x2.sub local.get iLo f64x2.mul local.set u',
          ...promote('v', 1),
          'local.get mHi f64x2.sub local.get iHi f64x2.mul local.set t',
          'local.get q',
          ...demoteJoin('u', 't'),
          'v128.store 0',
        ],
        [['q', 'out']],
      ),
    ]),
  ],
};

/**
 * `normalizedTranspose`: `x̂ᵀ[c, r] = (x[r, c] − μ[c])·inv[c]` (float64, rounded once) for columns `[0, c4)`
 * of an `[rows, cols]` matrix, written to `out` `[cols, rows]`.
 */
export const normalizedTranspose: FunctionSpec = {
  name: 'normalizedTranspose',
  params: [...locals('x mean inv rows cols c4 out', 'i32')],
  locals: [
    ...locals('stride c p end o0 o1 o2 o3 rowBytes', 'i32'),
    ...locals('v mLo mHi iLo iHi t u', 'v128'),
  ],
  body: [
    'local.get rows i32.const 2 i32.shl local.set rowBytes',
    ...columnGroups('x', [
      ...load4('mean', 'mLo', 'mHi'),
      ...load4('inv', 'iLo', 'iHi'),
      // o_q = out + (c/4 + q)·rows·4 bytes: column c/4 + q of x is row c/4 + q of the output.
      'local.get out local.get c local.get rows i32.mul i32.add local.tee o0',
      'local.get rowBytes i32.add local.tee o1 local.get rowBytes i32.add local.tee o2',
      'local.get rowBytes i32.add local.set o3',
      ...rowLoop('x', [
        'local.get p v128.load 0 local.set v',
        ...promote('v', 0),
        'local.get mLo f64x2.sub local.get iLo f64x2.mul local.set u',
        ...promote('v', 1),
        'local.get mHi f64x2.sub local.get iHi f64x2.mul local.set t',
        ...demoteJoin('u', 't'),
        'local.set v',
        ...[0, 1, 2, 3].map(
          (q) =>
            `local.get o${q} local.get v f32x4.extract_lane ${q} f32.store 0 local.get o${q} i32.const 4 i32.add local.set o${q}`,
        ),
      ]),
    ]),
  ],
};

/**
 * `paramGrad`: `normalizedDenseParamGradKernel` for rows `[0, rowsN)` of `[C, N]` matrices with `N` a
 * multiple of 4, in float32 (every product and sum rounded, like its JavaScript twin's `Math.fround`s):
 * `dW[c, j] = γ[c]·M[c, j] + β[c]·s[j]`, and the row sums `dγ[c] = Σ_j W·M`, `dβ[c] = Σ_j W·s` accumulated in
 * four lanes by `j mod 4` and combined as `(a₀ + a₂) + (a₁ + a₃)`. Float32 rather than float64: the loop was
 * bound by the float64 conversions (~2.5× slower), and float32 sums of the N terms of one row are what the
 * unfused path (a matmul and a batch-norm backward) computes too.
 */
export const paramGrad: FunctionSpec = {
  name: 'paramGrad',
  params: [...locals('m w s gamma beta rowsN n dw dgamma dbeta', 'i32')],
  locals: [...locals('c k rowBytes base', 'i32'), ...locals('vm vw vs g b a z', 'v128')],
  body: [
    'local.get n i32.const 2 i32.shl local.set rowBytes i32.const 0 local.set c',
    'block loop local.get c local.get rowsN i32.const 2 i32.shl i32.lt_u i32.eqz br_if 1',
    // γ[c], β[c] as f32x4 splats (1 and 0 when omitted).
    'local.get gamma if local.get gamma local.get c i32.add v128.load32_splat 0 local.set g',
    'else f32.const 1 f32x4.splat local.set g end',
    'local.get beta if local.get beta local.get c i32.add v128.load32_splat 0 local.set b',
    'else f32.const 0 f32x4.splat local.set b end',
    'f32.const 0 f32x4.splat local.tee a local.set z',
    // base = row c/4 of the [C, N] matrices = c·N bytes; k walks its bytes.
    'local.get c local.get n i32.mul local.set base i32.const 0 local.set k',
    'block loop local.get k local.get rowBytes i32.lt_u i32.eqz br_if 1',
    'local.get m local.get base i32.add local.get k i32.add v128.load 0 local.set vm',
    'local.get w local.get base i32.add local.get k i32.add v128.load 0 local.set vw',
    'local.get s local.get k i32.add v128.load 0 local.set vs',
    // dW = γ·M + β·s
    'local.get dw local.get base i32.add local.get k i32.add',
    'local.get g local.get vm f32x4.mul local.get b local.get vs f32x4.mul f32x4.add v128.store 0',
    // Σ W·M and Σ W·s by lane
    'local.get a local.get vw local.get vm f32x4.mul f32x4.add local.set a',
    'local.get z local.get vw local.get vs f32x4.mul f32x4.add local.set z',
    'local.get k i32.const 16 i32.add local.set k br 0 end end',
    ...laneSum('dgamma', 'a'),
    ...laneSum('dbeta', 'z'),
    'local.get c i32.const 4 i32.add local.set c br 0 end end',
  ],
};

/** In `paramGrad`: `out[c/4] = (a₀ + a₂) + (a₁ + a₃)` (float32) for the f32x4 local `acc`. */
function laneSum(out: string, acc: string): Code {
  return [
    `local.get ${out} local.get c i32.add local.get ${acc} local.get ${acc} local.get ${acc} i8x16.shuffle`,
    HIGH_TO_LOW,
    'f32x4.add local.tee vm f32x4.extract_lane 0 local.get vm f32x4.extract_lane 1 f32.add f32.store 0',
  ];
}
