/**
 * A minimal WebAssembly binary assembler: just enough to write a few SIMD loops by hand (no toolchain at
 * build time, no binary blob in the repository). A function body is a list of instruction names and their
 * immediates in the order of the text format, given as strings split on white space
 * (`'local.get x v128.load 0'`), numbers, and arrays for the 16 lane indices of `i8x16.shuffle`.
 * Locals are named; labels are relative depths, as in the binary format.
 *
 * The encodings are those of the WebAssembly core specification 2.0 (SIMD included): one-byte opcodes, and
 * `0xFD` followed by a LEB128 opcode for vector instructions.
 */

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

type Immediate =
  | 'none'
  | 'local'
  | 'label'
  | 'i32'
  | 'f32'
  | 'f64'
  | 'mem'
  | 'mem8'
  | 'lane'
  | 'lanes16'
  | 'block';

/** Opcode bytes and the kind of immediate that follows, by instruction name. */
const OPS: Record<string, readonly [readonly number[], Immediate]> = {
  block: [[0x02], 'block'],
  loop: [[0x03], 'block'],
  if: [[0x04], 'block'],
  else: [[0x05], 'none'],
  end: [[0x0b], 'none'],
  br: [[0x0c], 'label'],
  br_if: [[0x0d], 'label'],
  select: [[0x1b], 'none'],
  'local.get': [[0x20], 'local'],
  'local.set': [[0x21], 'local'],
  'local.tee': [[0x22], 'local'],
  'f32.load': [[0x2a], 'mem'],
  'i32.load8_u': [[0x2d], 'mem8'],
  'f32.store': [[0x38], 'mem'],
  'i32.const': [[0x41], 'i32'],
  'f32.const': [[0x43], 'f32'],
  'f64.const': [[0x44], 'f64'],
  'i32.eqz': [[0x45], 'none'],
  'i32.ne': [[0x47], 'none'],
  'i32.lt_u': [[0x49], 'none'],
  'i32.add': [[0x6a], 'none'],
  'i32.sub': [[0x6b], 'none'],
  'i32.mul': [[0x6c], 'none'],
  'i32.or': [[0x72], 'none'],
  'i32.shl': [[0x74], 'none'],
  'f32.ne': [[0x5c], 'none'],
  'f32.gt': [[0x5e], 'none'],
  'f32.add': [[0x92], 'none'],
  'f32.mul': [[0x94], 'none'],
  'f64.sqrt': [[0x9f], 'none'],
  'f64.add': [[0xa0], 'none'],
  'f64.sub': [[0xa1], 'none'],
  'f64.mul': [[0xa2], 'none'],
  'f64.div': [[0xa3], 'none'],
  'f32.demote_f64': [[0xb6], 'none'],
  'f64.convert_i32_u': [[0xb8], 'none'],
  'f64.promote_f32': [[0xbb], 'none'],
  'v128.load': [[0xfd, 0x00], 'mem'],
  'v128.load32_splat': [[0xfd, 0x09], 'mem'],
  'f32x4.relaxed_madd': [[0xfd, 0x85, 0x02], 'none'],
  'v128.store': [[0xfd, 0x0b], 'mem'],
  'i8x16.shuffle': [[0xfd, 0x0d], 'lanes16'],
  'f32x4.splat': [[0xfd, 0x13], 'none'],
  'f32x4.extract_lane': [[0xfd, 0x1f], 'lane'],
  'f64x2.splat': [[0xfd, 0x14], 'none'],
  'f64x2.extract_lane': [[0xfd, 0x21], 'lane'],
  'f32x4.ne': [[0xfd, 0x42], 'none'],
  'f32x4.gt': [[0xfd, 0x44], 'none'],
  'v128.and': [[0xfd, 0x4e], 'none'],
  'v128.or': [[0xfd, 0x50], 'none'],
  'f32x4.demote_f64x2_zero': [[0xfd, 0x5e], 'none'],
  'f64x2.promote_low_f32x4': [[0xfd, 0x5f], 'none'],
  'f32x4.add': [[0xfd, 0xe4, 0x01], 'none'],
  'f32x4.mul': [[0xfd, 0xe6, 0x01], 'none'],
  'f64x2.sqrt': [[0xfd, 0xef, 0x01], 'none'],
  'f64x2.add': [[0xfd, 0xf0, 0x01], 'none'],
  'f64x2.sub': [[0xfd, 0xf1, 0x01], 'none'],
  'f64x2.mul': [[0xfd, 0xf2, 0x01], 'none'],
  'f64x2.div': [[0xfd, 0xf3, 0x01], 'none'],
};

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** One exported function: parameters and locals by name, a body, no result. */
export interface FunctionSpec {
  readonly name: string;
  readonly params: readonly (readonly [string, ValType])[];
  readonly locals: readonly (readonly [string, ValType])[];
  readonly body: readonly (string | number | readonly number[])[];
}

/** Splits strings on white space: `'local.get x v128.load 0'` is four tokens. */
function tokens(body: FunctionSpec['body']): (string | number | readonly number[])[] {
  const out: (string | number | readonly number[])[] = [];
  for (const item of body) {
    if (typeof item === 'string') {
      for (const t of item.split(/\s+/)) if (t !== '') out.push(t);
    } else out.push(item);
  }
  return out;
}

function numberArg(f: FunctionSpec, op: string, a: string | number | readonly number[]): number {
  const n = typeof a === 'number' ? a : typeof a === 'string' ? Number(a) : Number.NaN;
  if (!Number.isFinite(n)) throw new Error(`${f.name}: '${op}' needs a number, got '${String(a)}'`);
  return n;
}

function encodeBody(f: FunctionSpec): number[] {
  const index = new Map<string, number>();
  [...f.params, ...f.locals].forEach(([n], i) => {
    if (index.has(n)) throw new Error(`${f.name}: local '${n}' declared twice`);
    index.set(n, i);
  });
  const code: number[] = [];
  const body = tokens(f.body);
  for (let i = 0; i < body.length; i++) {
    const op = body[i];
    if (typeof op !== 'string')
      throw new Error(`${f.name}: expected an instruction at ${i}, got ${String(op)}`);
    const spec = OPS[op];
    if (spec === undefined) throw new Error(`${f.name}: unknown instruction '${op}'`);
    const [bytes, imm] = spec;
    code.push(...bytes);
    const arg = (): string | number | readonly number[] => {
      i++;
      const a = body[i];
      if (a === undefined) throw new Error(`${f.name}: '${op}' needs an immediate`);
      return a;
    };
    switch (imm) {
      case 'none':
        break;
      case 'block':
        code.push(0x40); // empty block type
        break;
      case 'local': {
        const n = arg();
        const idx = typeof n === 'string' ? index.get(n) : undefined;
        if (idx === undefined) throw new Error(`${f.name}: unknown local '${String(n)}'`);
        code.push(...uleb(idx));
        break;
      }
      case 'label':
      case 'lane':
        code.push(...uleb(numberArg(f, op, arg())));
        break;
      case 'i32':
        code.push(...sleb(numberArg(f, op, arg())));
        break;
      case 'f32': {
        const b = new Uint8Array(new Float32Array([numberArg(f, op, arg())]).buffer);
        code.push(...b);
        break;
      }
      case 'f64': {
        const b = new Uint8Array(new Float64Array([numberArg(f, op, arg())]).buffer);
        code.push(...b);
        break;
      }
      case 'mem':
        // memarg: alignment exponent (4-byte: a hint, unaligned accesses are valid), then the offset.
        code.push(2, ...uleb(numberArg(f, op, arg())));
        break;
      case 'mem8':
        // a byte access: alignment exponent 0
        code.push(0, ...uleb(numberArg(f, op, arg())));
        break;
      case 'lanes16': {
        const lanes = arg() as readonly number[];
        if (lanes.length !== 16) throw new Error(`${f.name}: i8x16.shuffle needs 16 lane indices`);
        code.push(...lanes);
        break;
      }
    }
  }
  const locals = f.locals.map(([, t]) => [...uleb(1), VALTYPE[t]]);
  const content = [...vector(locals), ...code, 0x0b];
  return [...uleb(content.length), ...content];
}

/** Options of {@link assembleModule}. */
export interface AssembleOptions {
  /**
   * Import a shared memory (WebAssembly threads: `new WebAssembly.Memory({ shared: true, maximum })`) whose
   * maximum is at most this many 64 KiB pages, instead of an unshared memory of any size.
   */
  readonly sharedMaximumPages?: number;
}

/**
 * A module importing `env.memory` (any size; shared with `sharedMaximumPages`) and exporting `functions`, each
 * of type `(params) → ()`.
 */
export function assembleModule(
  functions: readonly FunctionSpec[],
  options: AssembleOptions = {},
): Uint8Array<ArrayBuffer> {
  const { sharedMaximumPages } = options;
  const types = functions.map((f) => [0x60, ...vector(f.params.map(([, t]) => [VALTYPE[t]])), 0x00]);
  // Memory limits: flag 0x00 = minimum only; 0x03 = shared, minimum and maximum.
  const limits =
    sharedMaximumPages === undefined ? [0x00, ...uleb(1)] : [0x03, ...uleb(1), ...uleb(sharedMaximumPages)];
  const importSection = vector([[...name('env'), ...name('memory'), 0x02, ...limits]]);
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector(types)),
    ...section(2, importSection),
    ...section(3, vector(functions.map((_, i) => uleb(i)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map(encodeBody))),
  ];
  return new Uint8Array(bytes);
}
