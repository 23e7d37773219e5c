import type { ValType } from '../runtime/assembler.js';

/*
 * The shared pieces of the SIMD twins' bodies (kernels/<op>/<op>-simd.ts, listed in runtime/simd-functions.ts):
 * host-kernel loops as WebAssembly SIMD functions that work in place on the wasm backend's heap (the module
 * imports tfjs's own memory). Each computes exactly what its JavaScript twin computes, in the same order and
 * in float64 where the JavaScript does (values promoted from float32, summed row by row, rounded back once),
 * so both give bit-identical results: the JavaScript loops stay the reference and the fallback (cpu backend,
 * no SIMD). Columns are processed four at a time (one v128 of float32 = two f64x2 halves, `Lo` and `Hi`);
 * callers handle the columns beyond the last multiple of four in JavaScript. Pointers are byte offsets;
 * 0 means an omitted input.
 */

/** A function body under construction: instruction text, immediates, shuffle lanes. */
export type Code = (string | number | readonly number[])[];

/** `i8x16.shuffle` lanes moving the high 8 bytes of the first operand to the low half. */
export const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7] as const;
/** `i8x16.shuffle` lanes joining the low halves of two operands. */
export const JOIN_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23] as const;

/** Pushes f64x2 of lanes 0–1 (`half` 0) or 2–3 (`half` 1) of the float32 vector in local `v`. */
export function promote(v: string, half: 0 | 1): Code {
  return half === 0
    ? [`local.get ${v} f64x2.promote_low_f32x4`]
    : [`local.get ${v} local.get ${v} i8x16.shuffle`, HIGH_TO_LOW, 'f64x2.promote_low_f32x4'];
}

/** Pushes the float32 vector made of two f64x2 locals (each rounded to nearest). */
export function demoteJoin(lo: string, hi: string): Code {
  return [
    `local.get ${lo} f32x4.demote_f64x2_zero local.get ${hi} f32x4.demote_f64x2_zero i8x16.shuffle`,
    JOIN_LOW,
  ];
}

/** Sets `v` to the four float32 at `ptr + c`, and `lo`/`hi` to their f64x2 halves. */
export function load4(ptr: string, lo: string, hi: string): Code {
  return [
    `local.get ${ptr} local.get c i32.add v128.load 0 local.set v`,
    ...promote('v', 0),
    `local.set ${lo}`,
    ...promote('v', 1),
    `local.set ${hi}`,
  ];
}

/** Stores two f64x2 locals as four float32 at `ptr + c`. */
export function store4(ptr: string, lo: string, hi: string): Code {
  return [`local.get ${ptr} local.get c i32.add`, ...demoteJoin(lo, hi), 'v128.store 0'];
}

/** Sets `lo`/`hi` from four float32 at `ptr + c`, or to `fallback` when `ptr` is 0. */
export function load4Or(ptr: string, lo: string, hi: string, fallback: number): Code {
  return [
    `local.get ${ptr} if`,
    ...load4(ptr, lo, hi),
    `else f64.const ${fallback} f64x2.splat local.tee ${lo} local.set ${hi} end`,
  ];
}

/** Sets two f64x2 locals to a constant. */
export function splat2(lo: string, hi: string, value: number): Code {
  return [`f64.const ${value} f64x2.splat local.tee ${lo} local.set ${hi}`];
}

/** `out = a ⊙ b` for the pairs `aLo/aHi`, `bLo/bHi` → `outLo/outHi` (f64x2). */
export function mul2(a: string, b: string, out: string): Code {
  return [
    `local.get ${a}Lo local.get ${b}Lo f64x2.mul local.set ${out}Lo`,
    `local.get ${a}Hi local.get ${b}Hi f64x2.mul local.set ${out}Hi`,
  ];
}

/** `pair = pair / n` (f64x2 locals `pairLo`, `pairHi`, splat `n`). */
export function divN(pair: string): Code {
  return [
    `local.get ${pair}Lo local.get n f64x2.div local.set ${pair}Lo local.get ${pair}Hi local.get n f64x2.div local.set ${pair}Hi`,
  ];
}

/** `ptr += stride` for each of `ptrs`. */
export function advance(...ptrs: string[]): Code {
  return ptrs.map((p) => `local.get ${p} local.get stride i32.add local.set ${p}`);
}

/** `ptr = base + c` for each `[ptr, base]`. */
export function startAt(...pairs: [string, string][]): Code {
  return pairs.map(([p, base]) => `local.get ${base} local.get c i32.add local.set ${p}`);
}

/**
 * A loop over the rows of the current column group: `p` walks `base + c` by `stride` while below `end`
 * (set by {@link columnGroups} from `rowsBase`), and so do `others` (pointer, base) alongside it.
 */
export function rowLoop(base: string, body: Code, others: [string, string][] = []): Code {
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
export function columnGroups(rowsBase: string, body: Code): Code {
  return [
    'local.get cols i32.const 2 i32.shl local.set stride i32.const 0 local.set c',
    'block loop local.get c local.get c4 i32.const 2 i32.shl i32.lt_u i32.eqz br_if 1',
    `local.get ${rowsBase} local.get c i32.add local.get rows local.get stride i32.mul i32.add local.set end`,
    ...body,
    'local.get c i32.const 16 i32.add local.set c br 0 end end',
  ];
}

/** Sets the f64x2 local `n` to the row count. */
export const ROWS_AS_F64 = 'local.get rows f64.convert_i32_u f64x2.splat local.set n';

/** `acc = acc + (pushed value)` for an f64x2 local. */
export function accumulate(acc: string): Code {
  return [`local.get ${acc} f64x2.add local.set ${acc}`];
}

export function locals(names: string, type: ValType): [string, ValType][] {
  return names.split(' ').map((n) => [n, type]);
}
