import type { FunctionSpec, ValType } from '../runtime/assembler.js';

/*
 * Matrix products as WebAssembly SIMD loops: `C = A·B (+ bias) (relu)` for float32 matrices on the wasm
 * backend's heap, written for the shapes of a Dense layer's training step.
 *
 * Why: tfjs's wasm MatMul (XNNPACK) re-packs its second operand whenever that tensor is new — every step for
 * a trained kernel — and its `transposeA`/`transposeB` flags take a path ~15x slower than the plain one. These
 * loops read `A` through any pair of strides (so `Aᵀ·B` costs the same as `A·B`, no transpose kernel) and `B`
 * row by row in place (no packing). Measured on the project's 2-core AMD EPYC (Zen 1): ~25 GFLOP/s on the
 * seed's shapes, against ~15–20 for tfjs's plain MatMul and ~1.5 for its transposed one.
 *
 * The micro-kernel keeps a tile of `R` rows × `4V` columns of `C` in `R·V` vector accumulators and, for each
 * `k`, loads `V` vectors of row `k` of `B`, broadcasts `A[i, k]` for each row (`v128.load32_splat`) and adds
 * the products: 4 × 8 (8 accumulators) measured fastest; V8 has 15 vector registers on x64, and larger tiles
 * spill. Every element of `C` is the float32 sum, in order `k = 0, 1, …, K−1`, of float32 products, rounded at
 * each step — the same arithmetic as the scalar JavaScript reference (`s = fround(s + fround(a·b))`), so the
 * SIMD loops, the scalar tail loop and the JavaScript loop agree bit for bit, whatever the tiling.
 *
 * Parameters (all i32): `a`, `b`, `c` byte offsets; `m` rows of `C` to compute (a multiple of `R`); `n`
 * columns (a multiple of `4V`); `k` the inner dimension (≥ 1); `sai`, `sak` the byte strides of `A` along
 * its rows and along `k` (`A[i, k]` is at `a + i·sai + k·sak`); `ldb`, `ldc` the byte strides of the rows of
 * `B` and `C`; `bias` a byte offset of `n` values added after the sum (0: none); `relu` non-zero to apply
 * relu last: `v ≤ 0 ? +0 : v`, so NaN stays NaN (as tf.relu, Keras and PyTorch: an overflow upstream is not
 * hidden from the non-finite checks) and −0 gives +0. Vector form: `t & ((t > 0) | (t ≠ t))`.
 */

type Code = (string | number | readonly number[])[];

const PARAMS: [string, ValType][] = 'a b c m n k sai sak ldb ldc bias relu'.split(' ').map((p) => [p, 'i32']);

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/**
 * `for (i = 0; i < m; i += R) for (j = 0; j < n·4; j += step)`: the tile loops, `j` outer (the panel of `B`
 * is reused by every row block while it is in cache). `i` counts rows, `j` bytes.
 */
function tileLoops(rowsPerTile: number, stepBytes: number, body: Code): Code {
  return [
    'i32.const 0 local.set j',
    'block loop local.get j local.get n i32.const 2 i32.shl i32.lt_u i32.eqz br_if 1',
    'i32.const 0 local.set i',
    'block loop local.get i local.get m i32.lt_u i32.eqz br_if 1',
    ...body,
    `local.get i i32.const ${rowsPerTile} i32.add local.set i br 0 end end`,
    `local.get j i32.const ${stepBytes} i32.add local.set j br 0 end end`,
  ];
}

/** Sets `pa0 … pa{R−1}` to the start of rows `i … i+R−1` of `A`. */
function rowPointers(rows: number): Code {
  return [
    'local.get a local.get i local.get sai i32.mul i32.add local.set pa0',
    ...range(rows - 1).map((r) => `local.get pa${r} local.get sai i32.add local.set pa${r + 1}`),
  ];
}

/**
 * The vector micro-kernel for an `R × 4V` tile: `gemm{R}x{4V}`, or with `contiguous` `gemm{R}x{4V}c`, for
 * an `A` whose rows are adjacent floats (`sai` = 4, e.g. `Aᵀ` of a row-major matrix): one pointer with
 * constant offsets instead of one per row (fewer instructions per step: ~26 against ~24 GFLOP/s). With `fma`
 * (suffix `f`) each product and sum is one `f32x4.relaxed_madd` (relaxed SIMD): a fused multiply-add where the
 * CPU has one (one rounding instead of two), a multiply then an add elsewhere.
 */
function vectorKernel(rows: number, vectors: number, contiguous = false, fma = false): FunctionSpec {
  const rs = range(rows);
  const vs = range(vectors);
  const acc = (r: number, v: number): string => `c${r}_${v}`;
  const accs = rs.flatMap((r) => vs.map((v) => acc(r, v)));
  const aPointers = contiguous ? ['pa0'] : rs.map((r) => `pa${r}`);
  return {
    name: `gemm${rows}x${4 * vectors}${contiguous ? 'c' : ''}${fma ? 'f' : ''}`,
    params: PARAMS,
    locals: [
      ...['j', 'i', 'pb', 'kk', 'pc', ...aPointers].map((l): [string, ValType] => [l, 'i32']),
      ...[...accs, 'av', 't', ...vs.map((v) => `b${v}`)].map((l): [string, ValType] => [l, 'v128']),
    ],
    body: tileLoops(rows, 16 * vectors, [
      'local.get b local.get j i32.add local.set pb',
      ...rowPointers(aPointers.length),
      ...accs.map((x) => `f64.const 0 f64x2.splat local.set ${x}`),
      'local.get k local.set kk',
      'loop',
      ...vs.map((v) => `local.get pb v128.load ${16 * v} local.set b${v}`),
      'local.get pb local.get ldb i32.add local.set pb',
      ...rs.flatMap((r) => [
        contiguous
          ? `local.get pa0 v128.load32_splat ${4 * r} local.set av`
          : `local.get pa${r} v128.load32_splat 0 local.set av`,
        ...vs.map((v) =>
          fma
            ? `local.get av local.get b${v} local.get ${acc(r, v)} f32x4.relaxed_madd local.set ${acc(r, v)}`
            : `local.get av local.get b${v} f32x4.mul local.get ${acc(r, v)} f32x4.add local.set ${acc(r, v)}`,
        ),
      ]),
      ...aPointers.map((p) => `local.get ${p} local.get sak i32.add local.set ${p}`),
      'local.get kk i32.const 1 i32.sub local.tee kk br_if 0 end',
      // Epilogue: + bias, relu, store.
      'local.get c local.get i local.get ldc i32.mul i32.add local.get j i32.add local.set pc',
      ...rs.flatMap((r) => [
        ...vs.flatMap((v) => [
          `local.get ${acc(r, v)} local.set t`,
          `local.get bias if local.get t local.get bias local.get j i32.add v128.load ${16 * v} f32x4.add local.set t end`,
          'local.get relu if local.get t local.get t f64.const 0 f64x2.splat f32x4.gt local.get t local.get t f32x4.ne v128.or v128.and local.set t end',
          `local.get pc local.get t v128.store ${16 * v}`,
        ]),
        'local.get pc local.get ldc i32.add local.set pc',
      ]),
    ]),
  };
}

/** The scalar loop for the last columns (fewer than 4): `gemm1x1`, one element of `C` at a time. */
const scalarKernel: FunctionSpec = {
  name: 'gemm1x1',
  params: PARAMS,
  locals: [...['j', 'i', 'pb', 'kk', 'pa0'].map((l): [string, ValType] => [l, 'i32']), ['s', 'f32']],
  body: tileLoops(1, 4, [
    'local.get b local.get j i32.add local.set pb',
    ...rowPointers(1),
    'f32.const 0 local.set s',
    'local.get k local.set kk',
    'loop',
    'local.get s local.get pa0 f32.load 0 local.get pb f32.load 0 f32.mul f32.add local.set s',
    'local.get pa0 local.get sak i32.add local.set pa0 local.get pb local.get ldb i32.add local.set pb',
    'local.get kk i32.const 1 i32.sub local.tee kk br_if 0 end',
    'local.get bias if local.get s local.get bias local.get j i32.add f32.load 0 f32.add local.set s end',
    'local.get relu if local.get s f32.const 0 local.get s f32.const 0 f32.gt local.get s local.get s f32.ne i32.or select local.set s end',
    'local.get c local.get i local.get ldc i32.mul i32.add local.get j i32.add local.get s f32.store 0',
  ]),
};

/**
 * The GEMM functions of the SIMD module: 4 × 8 (and its contiguous-rows form) and the row/column tails
 * 1 × 8, 4 × 4 (and contiguous), 1 × 4, 1 × 1.
 */
export const GEMM_FUNCTIONS: readonly FunctionSpec[] = [
  vectorKernel(4, 2),
  vectorKernel(4, 2, true),
  vectorKernel(4, 1, true),
  vectorKernel(1, 2),
  vectorKernel(4, 1),
  vectorKernel(1, 1),
  scalarKernel,
];

/**
 * The GEMM tiles with fused multiply-adds (`f32x4.relaxed_madd`), for a second module compiled only where
 * relaxed SIMD exists (Node ≥ 22, Chrome ≥ 114; Node 20/21 with `--experimental-wasm-relaxed-simd`, which
 * `useBackend('wasm')` sets through `enableRelaxedSimd`): the loop has
 * 8 instructions fewer per 64 flops, ~30 against ~24 GFLOP/s on the project's machine. Same parameters; the
 * column tail (`n mod 4` columns) uses the scalar `gemm1x1` of the main module.
 */
export const GEMM_FMA_FUNCTIONS: readonly FunctionSpec[] = [
  vectorKernel(4, 2, false, true),
  vectorKernel(4, 2, true, true),
  vectorKernel(4, 1, true, true),
  vectorKernel(1, 2, false, true),
  vectorKernel(4, 1, false, true),
  vectorKernel(1, 1, false, true),
];
