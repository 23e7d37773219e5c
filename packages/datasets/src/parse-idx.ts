import { checkOptions, optionKeys, SteadygradError } from '@steadygrad/core';

/**
 * IDX is the file format of MNIST and Fashion-MNIST (LeCun et al.): a 4-byte magic number
 * `0x00 0x00 <type> <rank>`, then `rank` big-endian uint32 dimensions, then the values in row-major
 * order. steadygrad reads the unsigned-byte type `0x08` only (every (Fashion-)MNIST file), so the
 * two magics in use are `0x00000801` (labels, rank 1) and `0x00000803` (images, rank 3).
 *
 * This module is pure (no Node imports): a browser can use it on bytes it fetched and decompressed.
 */

/** The IDX type byte of unsigned bytes, the only element type steadygrad reads. */
export const IDX_UINT8 = 0x08;

/**
 * Default cap on the number of elements a header may claim: 2^28 (268,435,456 bytes of uint8), about
 * 5.7× the largest Fashion-MNIST file (47,040,000 pixels). A header claiming more is rejected before
 * anything is allocated or decompressed.
 */
export const IDX_MAX_ELEMENTS = 2 ** 28;

/** Names of the IDX element types, for error messages. */
const IDX_TYPE_NAMES: Readonly<Record<number, string>> = {
  8: 'uint8',
  9: 'int8',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};

/** The header of an IDX file: its magic number and its dimensions. */
export interface IdxHeader {
  /** The magic number, e.g. `0x00000803` for a rank-3 uint8 file. */
  readonly magic: number;
  /** Dimensions, outermost first (`[count, rows, cols]` for images, `[count]` for labels). */
  readonly dims: readonly number[];
  /** Header length in bytes: `4 + 4 · rank`. */
  readonly headerBytes: number;
  /** Number of values: the product of `dims`. */
  readonly elements: number;
  /** `headerBytes + elements` — the exact byte length of a well-formed uint8 file. */
  readonly totalBytes: number;
}

/** A parsed IDX file: its header and a view of its values. */
export interface IdxArray extends IdxHeader {
  /** The values, a view into the input bytes (no copy). */
  readonly data: Uint8Array;
}

/**
 * Options of `parseIdx`: the name used in errors, the accepted ranks and the largest number of values accepted.
 */
export interface ParseIdxOptions {
  /** The file's name, used in every error message. Default `'IDX data'`. */
  readonly name?: string;
  /** Accept only these ranks (e.g. `[3]` for images). Default: any rank 1..4. */
  readonly ranks?: readonly number[];
  /** Reject headers claiming more values than this. Default {@link IDX_MAX_ELEMENTS} (2^28). */
  readonly maxElements?: number;
}

export const PARSE_IDX_KEYS = optionKeys<ParseIdxOptions>()(['name', 'ranks', 'maxElements']);

function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

function formatBytes(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

/**
 * Reads and validates an IDX header from the first bytes of a file (the rest may be absent). Checks the
 * magic (`0x0000` then type `0x08`), the rank (1..4, or `ranks`) and the element count
 * (`<= maxElements`), all before any allocation. Throws `CORRUPT_DATA` naming the file otherwise.
 */
export function parseIdxHeader(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxHeader {
  checkOptions('parseIdxHeader', options, PARSE_IDX_KEYS);
  const { name = 'IDX data', ranks, maxElements = IDX_MAX_ELEMENTS } = options;
  if (bytes.length < 4) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: file is truncated: expected at least a 4-byte IDX magic number, got ${formatBytes(bytes.length)}`,
      { details: { name, expectedBytes: 4, actualBytes: bytes.length } },
    );
  }
  const magic = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  const type = bytes[2]!;
  const rank = bytes[3]!;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: not an IDX file: magic number is ${hex32(magic)}, expected 0x00000801 (labels) or 0x00000803 (images)`,
      { details: { name, magic } },
    );
  }
  if (type !== IDX_UINT8) {
    const typeName = IDX_TYPE_NAMES[type];
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: IDX element type is 0x${type.toString(16).padStart(2, '0')}` +
        `${typeName === undefined ? ' (not a valid IDX type)' : ` (${typeName})`}` +
        `, expected 0x08 (uint8); magic ${hex32(magic)}`,
      { details: { name, magic, type } },
    );
  }
  const allowedRanks = ranks ?? [1, 2, 3, 4];
  if (!allowedRanks.includes(rank)) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: IDX rank is ${rank} (magic ${hex32(magic)}), expected ${allowedRanks.join(' or ')}` +
        ` (${allowedRanks.map((r) => hex32(0x0800 + r)).join(' or ')})`,
      { details: { name, magic, rank, expectedRanks: [...allowedRanks] } },
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: file is truncated: expected a ${headerBytes}-byte IDX header (rank ${rank}), got ${formatBytes(bytes.length)}`,
      { details: { name, expectedBytes: headerBytes, actualBytes: bytes.length } },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, headerBytes);
  const dims: number[] = [];
  let elements = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    dims.push(d);
    elements *= d;
  }
  // Every dim is < 2^32 and rank <= 4, so `elements` is exact while it is <= 2^53 and certainly > maxElements
  // when it is not; the comparison is therefore sound.
  if (elements > maxElements) {
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: IDX header claims dims [${dims.join(', ')}] = ${elements.toLocaleString('en-US')} values, ` +
        `more than the limit of ${maxElements.toLocaleString('en-US')}; refusing to allocate (corrupt or hostile header?)`,
      { details: { name, dims, elements, maxElements } },
    );
  }
  return { magic, dims, headerBytes, elements, totalBytes: headerBytes + elements };
}

/**
 * Parses a complete, uncompressed IDX file. Validates the header ({@link parseIdxHeader}) and that the
 * byte length equals the header's claim `4 + 4·rank + prod(dims)` exactly, before touching the values.
 * A short or long file is `CORRUPT_DATA` naming the file, the expected size and the actual size.
 * The returned `data` is a view into `bytes` (nothing is copied or allocated).
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const { name = 'IDX data' } = options;
  const header = parseIdxHeader(bytes, options);
  if (bytes.length !== header.totalBytes) {
    const what = bytes.length < header.totalBytes ? 'truncated' : 'longer than its header says';
    throw new SteadygradError(
      'CORRUPT_DATA',
      `${name}: file is ${what}: the IDX header (dims [${header.dims.join(', ')}]) implies ` +
        `${formatBytes(header.totalBytes)}, got ${formatBytes(bytes.length)}`,
      { details: { name, dims: header.dims, expectedBytes: header.totalBytes, actualBytes: bytes.length } },
    );
  }
  const data = bytes.subarray(header.headerBytes, header.totalBytes);
  return { ...header, data };
}

/** True when `bytes` starts with the gzip signature `1f 8b`. An IDX file always starts with `00 00`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Builds an uncompressed uint8 IDX file (header + values); the inverse of {@link parseIdx}. */
export function encodeIdx(dims: readonly number[], data: ArrayLike<number>): Uint8Array {
  const rank = dims.length;
  if (rank < 1 || rank > 4 || !dims.every((d) => Number.isInteger(d) && d >= 0 && d < 2 ** 32)) {
    throw new SteadygradError(
      'INVALID_ARGUMENT',
      `dims must be 1 to 4 non-negative 32-bit integers, got [${dims.join(', ')}]`,
    );
  }
  const elements = dims.reduce((a, b) => a * b, 1);
  if (data.length !== elements) {
    throw new SteadygradError(
      'SHAPE_MISMATCH',
      `data has ${data.length} values, expected prod([${dims.join(', ')}]) = ${elements}`,
    );
  }
  const out = new Uint8Array(4 + 4 * rank + elements);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x0800 + rank, false);
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  out.set(data, 4 + 4 * rank);
  return out;
}
