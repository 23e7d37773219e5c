import type { RelaxedSimdKernels, SimdKernels } from '../runtime/simd-module.js';

/** The GEMM tile functions of the SIMD module that {@link runGemmTiles} calls. */
export type GemmTiles = Pick<
  SimdKernels,
  'gemm4x8' | 'gemm4x8c' | 'gemm4x4' | 'gemm4x4c' | 'gemm1x8' | 'gemm1x4' | 'gemm1x1'
>;

/**
 * `C = act(op(A)·B + bias)` over all of `C` (`m × n`) with the SIMD module's tiles (gemm-simd.ts): 4 × 8 tiles over
 * blocks of 64 rows (each block sweeps every column panel of `B` while it stays in L2: at batch 256 the seed's
 * `A` is ~800 KB), then 4 × 4 tiles for the columns left over, 1 × 8 and 1 × 4 tiles for the last `m mod 4` rows
 * and the scalar `gemm1x1` for the last `n mod 4` columns. With `fma` (the relaxed-SIMD module's tiles) the
 * vector tiles fuse their multiply-adds; `gemm1x1` is always the plain one.
 *
 * Arguments are the tile functions' (gemm-simd.ts): byte offsets `a`, `b`, `c`, `bias` (0: none) in the memory the
 * tiles were instantiated on, byte strides `sai`, `sak` of `A`, `ldb`, `ldc` of the rows of `B` and `C`.
 * Every element of `C` is computed by exactly one tile, as the in-order sum over `k`, so any split of `C`'s
 * rows between calls (or threads) gives the same bits.
 *
 * The calling thread and the GEMM worker threads (runtime/gemm-worker.ts, a module of its own) both import it, so
 * both sides run one implementation.
 */
export function runGemmTiles(
  plain: GemmTiles,
  fma: RelaxedSimdKernels | null,
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  sai: number,
  sak: number,
  ldb: number,
  ldc: number,
  bias: number,
  relu: number,
): void {
  if (m === 0 || n === 0) return;
  const tile = (fn: GemmTiles['gemm1x1'], r0: number, rows: number, c0: number, cols: number): void => {
    if (rows === 0 || cols === 0) return;
    fn(
      a + r0 * sai,
      b + 4 * c0,
      c + r0 * ldc + 4 * c0,
      rows,
      cols,
      k,
      sai,
      sak,
      ldb,
      ldc,
      bias === 0 ? 0 : bias + 4 * c0,
      relu,
    );
  };
  const m4 = m - (m % 4);
  const n8 = n - (n % 8);
  const n4 = n - (n % 4);
  // A's rows are adjacent floats (e.g. Aᵀ of a row-major matrix): one pointer with constant offsets.
  const contiguous = sai === 4;
  const g4x8 =
    fma === null ? (contiguous ? plain.gemm4x8c : plain.gemm4x8) : contiguous ? fma.gemm4x8cf : fma.gemm4x8f;
  const g4x4 =
    fma === null ? (contiguous ? plain.gemm4x4c : plain.gemm4x4) : contiguous ? fma.gemm4x4cf : fma.gemm4x4f;
  const blockRows = 64;
  for (let r0 = 0; r0 < m4; r0 += blockRows) {
    const rows = Math.min(blockRows, m4 - r0);
    tile(g4x8, r0, rows, 0, n8);
    tile(g4x4, r0, rows, n8, n4 - n8);
  }
  tile(fma === null ? plain.gemm1x8 : fma.gemm1x8f, m4, m - m4, 0, n8);
  tile(fma === null ? plain.gemm1x4 : fma.gemm1x4f, m4, m - m4, n8, n4 - n8);
  tile(plain.gemm1x1, 0, m, n4, n - n4);
}
