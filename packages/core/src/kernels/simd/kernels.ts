import { assembleModule, type FunctionSpec, type ValType } from '../runtime/assembler.js';
import { GEMM_FMA_FUNCTIONS, GEMM_FUNCTIONS } from './gemm.js';

/*
 * Host-kernel loops as WebAssembly SIMD functions that work in place on the wasm backend's heap (the module
 * imports tfjs's own memory). Each computes exactly what its JavaScript twin computes, in the same order and
 * in float64 where the JavaScript does (values promoted from float32, summed row by row, rounded back once),
 * so both give bit-identical results: the JavaScript loops stay the reference and the fallback (cpu backend,
 * no SIMD). Columns are processed four at a time (one v128 of float32 = two f64x2 halves, `Lo` and `Hi`);
 * callers handle the columns beyond the last multiple of four in JavaScript. Pointers are byte offsets;
 * 0 means an omitted input.
 */

type Code = (string | number | readonly number[])[];

/** `i8x16.shuffle` lanes moving the high 8 bytes of the first operand to the low half. */
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7] as const;
/** `i8x16.shuffle` lanes joining the low halves of two operands. */
const JOIN_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] as const;

/** Pushes f64x2 of lanes 0–1 (`half` 0) or 2–3 (`half` 1) of the float32 vector in local `v`. */
function promote(v: string, half: 0 | 1): Code {
  return half === 0
    ? [`local.get ${v} f64x2.promote_low_f32x4`]
    : [`local.get ${v} local.get ${v} i8x16.shuffle`, HIGH_TO_LOW, 'f64x2.promote_low_f32x4'];
}

/** Pushes the float32 vector made of two f64x2 locals (each rounded to nearest). */
function demoteJoin(lo: string, hi: string): Code {
  return [
    `local.get ${lo} f32x4.demote_f64x2_zero local.get ${hi} f32x4.demote_f64x2_zero i8x16.shuffle`,
    JOIN_LOW,
  ];
}

/** Sets `v` to the four float32 at `ptr + c`, and `lo`/`hi` to their f64x2 halves. */
function load4(ptr: string, lo: string, hi: string): Code {
  return [
    `local.get ${ptr} local.get c i32.add v128.load 0 local.set v`,
    ...promote('v', 0),
    `local.set ${lo}`,
    ...promote('v', 1),
    `local.set ${hi}`,
  ];
}

/** Stores two f64x2 locals as four float32 at `ptr + c`. */
function store4(ptr: string, lo: string, hi: string): Code {
  return [`local.get ${ptr} local.get c i32.add`, ...demoteJoin(lo, hi), 'v128.store 0'];
}

/** Sets `lo`/`hi` from four float32 at `ptr + c`, or to `fallback` when `ptr` is 0. */
function load4Or(ptr: string, lo: string, hi: string, fallback: number): Code {
  return [
    `local.get ${ptr} if`,
    ...load4(ptr, lo, hi),
    `else f64.const ${fallback} f64x2.splat local.tee ${lo} local.set ${hi} end`,
  ];
}

/** Sets two f64x2 locals to a constant. */
function splat2(lo: string, hi: string, value: number): Code {
  return [`f64.const ${value} f64x2.splat local.tee ${lo} local.set ${hi}`];
}

/** `out = a ⊙ b` for the pairs `aLo/aHi`, `bLo/bHi` → `outLo/outHi` (f64x2). */
function mul2(a: string, b: string, out: string): Code {
  return [
    `local.get ${a}Lo local.get ${b}Lo f64x2.mul local.set ${out}Lo`,
    `local.get ${a}Hi local.get ${b}Hi f64x2.mul local.set ${out}Hi`,
  ];
}

/** `pair = pair / n` (f64x2 locals `pairLo`, `pairHi`, splat `n`). */
function divN(pair: string): Code {
  return [
    `local.get ${pair}Lo local.get n f64x2.div local.set ${pair}Lo local.get ${pair}Hi local.get n f64x2.div local.set ${pair}Hi`,
  ];
}

/** `ptr += stride` for each of `ptrs`. */
function advance(...ptrs: string[]): Code {
  return ptrs.map((p) => `local.get ${p} local.get stride i32.add local.set ${p}`);
}

/** `ptr = base + c` for each `[ptr, base]`. */
function startAt(...pairs: [string, string][]): Code {
  return pairs.map(([p, base]) => `local.get ${base} local.get c i32.add local.set ${p}`);
}

/**
 * A loop over the rows of the current column group: `p` walks `base + c` by `stride` while below `end`
 * (set by {@link columnGroups} from `rowsBase`), and so do `others` (pointer, base) alongside it.
 */
function rowLoop(base: string, body: Code, others: [string, string][] = []): Code {
  return [
    ...startAt(['p', base], ...others),
    'loop',
    ...body,
    ...advance(...others.map(([p]) => p)),
    'local.get p local.get stride i32.add local.tee p local.get end i32.lt_u br_if 0 end',
  ];
}

/**
 * A loop over column groups: `c` (a byte offset) from 0 by 16 below `c4·4`, with `stride` = `cols·4` and
 * `end` = `rowsBase + c + rows·stride` (the end of the current group's rows). Needs locals `stride c end`
 * and params `rows cols c4`.
 */
function columnGroups(rowsBase: string, body: Code): Code {
  return [
    'local.get cols i32.const 2 i32.shl local.set stride i32.const 0 local.set c',
    'block loop local.get c local.get c4 i32.const 2 i32.shl i32.lt_u i32.eqz br_if 1',
    `local.get ${rowsBase} local.get c i32.add local.get rows local.get stride i32.mul i32.add local.set end`,
    ...body,
    'local.get c i32.const 16 i32.add local.set c br 0 end end',
  ];
}

/** Sets the f64x2 local `n` to the row count. */
const ROWS_AS_F64 = 'local.get rows f64.convert_i32_u f64x2.splat local.set n';

/** `acc = acc + (pushed value)` for an f64x2 local. */
function accumulate(acc: string): Code {
  return [`local.get ${acc} f64x2.add local.set ${acc}`];
}

function locals(names: string, type: ValType): [string, ValType][] {
  return names.split(' ').map((n) => [n, type]);
}

/**
 * `bnTrain`: the batch-norm training forward of `batchNormTrainKernel` for columns `[0, c4)` of an
 * `[rows, cols]` matrix: per column `μ = Σx/n`, `σ² = Σ(x − μ)²/n`, `inv = 1/√(σ² + ε)`, outputs `mean`, `inv`,
 * `y = x·(γ·inv) + (β − (μ·γ)·inv)`, and, when `nm`/`nv` are non-zero, `nm = mm·m + μ·(1 − m)`,
 * `nv = mv·m + σ²·(1 − m)` (γ = 1 and β = 0 when omitted).
 */
const bnTrain: FunctionSpec = {
  name: 'bnTrain',
  params: [
    ...locals('x rows cols c4 gamma beta', 'i32'),
    ['eps', 'f64'],
    ['momentum', 'f64'],
    ['oneMinusMomentum', 'f64'],
    ...locals('mean inv mm mv nm nv y', 'i32'),
  ],
  locals: [
    ...locals('stride c p q end', 'i32'),
    ...locals('n v d sLo sHi mLo mHi vLo vHi iLo iHi gLo gHi bLo bHi scLo scHi shLo shHi tLo tHi', 'v128'),
  ],
  body: [
    ROWS_AS_F64,
    ...columnGroups('x', [
      // Pass 1: Σx → μ.
      ...splat2('sLo', 'sHi', 0),
      ...rowLoop('x', [
        'local.get p v128.load 0 local.set v',
        ...promote('v', 0),
        ...accumulate('sLo'),
        ...promote('v', 1),
        ...accumulate('sHi'),
      ]),
      ...divN('s'),
      'local.get sLo local.set mLo local.get sHi local.set mHi',
      // Pass 2: Σ(x − μ)² → σ².
      ...splat2('vLo', 'vHi', 0),
      ...rowLoop('x', [
        'local.get p v128.load 0 local.set v',
        ...promote('v', 0),
        'local.get mLo f64x2.sub local.tee d local.get d f64x2.mul',
        ...accumulate('vLo'),
        ...promote('v', 1),
        'local.get mHi f64x2.sub local.tee d local.get d f64x2.mul',
        ...accumulate('vHi'),
      ]),
      ...divN('v'),
      // inv = 1 / √(σ² + ε)
      'f64.const 1 f64x2.splat local.get vLo local.get eps f64x2.splat f64x2.add f64x2.sqrt f64x2.div local.set iLo',
      'f64.const 1 f64x2.splat local.get vHi local.get eps f64x2.splat f64x2.add f64x2.sqrt f64x2.div local.set iHi',
      ...store4('mean', 'mLo', 'mHi'),
      ...store4('inv', 'iLo', 'iHi'),
      // scale = γ·inv, shift = β − (μ·γ)·inv
      ...load4Or('gamma', 'gLo', 'gHi', 1),
      ...load4Or('beta', 'bLo', 'bHi', 0),
      ...mul2('g', 'i', 'sc'),
      'local.get bLo local.get mLo local.get gLo f64x2.mul local.get iLo f64x2.mul f64x2.sub local.set shLo',
      'local.get bHi local.get mHi local.get gHi f64x2.mul local.get iHi f64x2.mul f64x2.sub local.set shHi',
      // Moving statistics: new = old·m + batch·(1 − m).
      ...movingUpdate('nm', 'mm', 'm'),
      ...movingUpdate('nv', 'mv', 'v'),
      // Pass 3: y = x·scale + shift.
      ...rowLoop(
        'x',
        [
          'local.get p v128.load 0 local.set v',
          ...promote('v', 0),
          'local.get scLo f64x2.mul local.get shLo f64x2.add local.set tLo',
          ...promote('v', 1),
          'local.get scHi f64x2.mul local.get shHi f64x2.add local.set tHi',
          'local.get q',
          ...demoteJoin('tLo', 'tHi'),
          'v128.store 0',
        ],
        [['q', 'y']],
      ),
    ]),
  ],
};

/** In `bnTrain`: when `out` is non-zero, `out = old·momentum + stat·(1 − momentum)` with `stat` an f64x2 pair. */
function movingUpdate(out: string, old: string, stat: string): Code {
  const half = (h: 'Lo' | 'Hi') =>
    `local.get t${h} local.get momentum f64x2.splat f64x2.mul local.get ${stat}${h} local.get oneMinusMomentum f64x2.splat f64x2.mul f64x2.add local.set t${h}`;
  return [
    `local.get ${out} if`,
    ...load4Or(old, 'tLo', 'tHi', 0),
    half('Lo'),
    half('Hi'),
    ...store4(out, 'tLo', 'tHi'),
    'end',
  ];
}

/**
 * `bnGrad`: the backward pass of `batchNormGradKernel` for columns `[0, c4)`: per column `Σdy` and
 * `Σdy·(x − μ)` (rows in order), `dβ = Σdy`, `dγ = Σdy·(x − μ)·inv`, and, when `inputGrad` is non-zero,
 * `dx = (γ·inv)·((dy − Σdy/n) − (x − μ)·((dγ/n)·inv))`.
 */
const bnGrad: FunctionSpec = {
  name: 'bnGrad',
  params: [...locals('dy x mean inv gamma rows cols c4 inputGrad dx dgamma dbeta', 'i32')],
  locals: [
    ...locals('stride c p q r end', 'i32'),
    ...locals('n v d xc aLo aHi bLo bHi mLo mHi iLo iHi gLo gHi mbLo mbHi mgLo mgHi tLo tHi', 'v128'),
  ],
  body: [
    ROWS_AS_F64,
    ...columnGroups('dy', [
      ...load4('mean', 'mLo', 'mHi'),
      ...splat2('aLo', 'aHi', 0),
      ...splat2('bLo', 'bHi', 0),
      // a += dy, b += dy·(x − μ), with r walking x alongside p over dy.
      ...rowLoop(
        'dy',
        [
          'local.get p v128.load 0 local.set v local.get r v128.load 0 local.set xc',
          ...promote('v', 0),
          'local.tee d',
          ...accumulate('aLo'),
          'local.get d',
          ...promote('xc', 0),
          'local.get mLo f64x2.sub f64x2.mul',
          ...accumulate('bLo'),
          ...promote('v', 1),
          'local.tee d',
          ...accumulate('aHi'),
          'local.get d',
          ...promote('xc', 1),
          'local.get mHi f64x2.sub f64x2.mul',
          ...accumulate('bHi'),
        ],
        [['r', 'x']],
      ),
      ...load4('inv', 'iLo', 'iHi'),
      ...mul2('b', 'i', 'b'), // dγ
      ...store4('dbeta', 'aLo', 'aHi'),
      ...store4('dgamma', 'bLo', 'bHi'),
      'local.get inputGrad if',
      ...load4Or('gamma', 'gLo', 'gHi', 1),
      ...mul2('g', 'i', 'g'), // a = γ·inv
      'local.get aLo local.get n f64x2.div local.set mbLo local.get aHi local.get n f64x2.div local.set mbHi',
      'local.get bLo local.get n f64x2.div local.get iLo f64x2.mul local.set mgLo',
      'local.get bHi local.get n f64x2.div local.get iHi f64x2.mul local.set mgHi',
      ...rowLoop(
        'dy',
        [
          'local.get p v128.load 0 local.set v local.get r v128.load 0 local.set xc local.get q',
          'local.get gLo',
          ...promote('v', 0),
          'local.get mbLo f64x2.sub',
          ...promote('xc', 0),
          'local.get mLo f64x2.sub local.get mgLo f64x2.mul f64x2.sub f64x2.mul local.set tLo',
          'local.get gHi',
          ...promote('v', 1),
          'local.get mbHi f64x2.sub',
          ...promote('xc', 1),
          'local.get mHi f64x2.sub local.get mgHi f64x2.mul f64x2.sub f64x2.mul local.set tHi',
          ...demoteJoin('tLo', 'tHi'),
          'v128.store 0',
        ],
        [
          ['r', 'x'],
          ['q', 'dx'],
        ],
      ),
      'end',
    ]),
  ],
};

/**
 * `biasActGrad`: `dz = dy·step(y)` (`relu` non-zero; `dy·1` or `dy·0` in float32, as the JavaScript loop) or
 * `dz = dy`, and `db = Σ_rows dz`, for columns `[0, c4)` of `[rows, cols]` matrices.
 */
const biasActGrad: FunctionSpec = {
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
const sgdStep: FunctionSpec = {
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

/**
 * `normalizedRows`: `x̂[r, c] = (x[r, c] − μ[c])·inv[c]` (float64, rounded once) for columns `[0, c4)` of an
 * `[rows, cols]` matrix, written to `out` `[rows, cols]` (the values of {@link normalizedTranspose}, not
 * transposed: for `x̂ᵀ·dZ` by a GEMM that reads `x̂` transposed in place).
 */
const normalizedRows: FunctionSpec = {
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
const normalizedTranspose: FunctionSpec = {
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
const paramGrad: FunctionSpec = {
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

/**
 * `bytesToF32`: in place, `out[i] = f32(bytes[i]·scale + offset)` (float64 arithmetic, rounded once, like the
 * JavaScript `arraySource` loop) for `i < count`, where the `count` bytes were written at `out + 3·count`
 * (the last quarter of the output's own memory). Front to back, every byte is read before the float32
 * writes reach it (`4i + 3 < 3·count + i + 1` for `i < count`). Scalar: the win is leaving JavaScript.
 */
const bytesToF32: FunctionSpec = {
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

/** The functions of the SIMD module, in export order. */
export const SIMD_FUNCTIONS: readonly FunctionSpec[] = [
  bnTrain,
  bnGrad,
  biasActGrad,
  sgdStep,
  normalizedTranspose,
  normalizedRows,
  paramGrad,
  bytesToF32,
  ...GEMM_FUNCTIONS,
];

/** The module's bytes (built once, on first use). */
let bytes: Uint8Array<ArrayBuffer> | undefined;
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  bytes ??= assembleModule(SIMD_FUNCTIONS);
  return bytes;
}

/** The relaxed-SIMD module's bytes (fused multiply-add GEMM tiles; built once, on first use). */
let relaxedBytes: Uint8Array<ArrayBuffer> | undefined;
export function relaxedSimdModuleBytes(): Uint8Array<ArrayBuffer> {
  relaxedBytes ??= assembleModule(GEMM_FMA_FUNCTIONS);
  return relaxedBytes;
}
