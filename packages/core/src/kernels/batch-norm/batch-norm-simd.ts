import type { FunctionSpec } from '../runtime/assembler.js';
import {
  accumulate,
  type Code,
  columnGroups,
  demoteJoin,
  divN,
  load4,
  load4Or,
  locals,
  mul2,
  promote,
  ROWS_AS_F64,
  rowLoop,
  splat2,
  store4,
} from '../simd/simd-code.js';

/**
 * `bnTrain`: the batch-norm training forward of `batchNormTrainKernel` for columns `[0, c4)` of an
 * `[rows, cols]` matrix: per column `μ = Σx/n`, `σ² = Σ(x − μ)²/n`, `inv = 1/√(σ² + ε)`, outputs `mean`, `inv`,
 * `y = x·(γ·inv) + (β − (μ·γ)·inv)`, and, when `nm`/`nv` are non-zero, `nm = mm·m + μ·(1 − m)`,
 * `nv = mv·m + σ²·(1 − m)` (γ = 1 and β = 0 when omitted).
 */
export const bnTrain: FunctionSpec = {
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
export const bnGrad: FunctionSpec = {
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
