import { constants, gunzipSync, inflateRawSync } from 'node:zlib';
import { SteadygradError } from '@steadygrad/core';
import { type IdxArray, isGzip, type ParseIdxOptions, parseIdx, parseIdxHeader } from './parse-idx.js';

/** Compressed bytes fed to the decoder, in turn, when probing a gzipped file for its IDX header. */
const HEADER_PROBES = [256, 4096] as const;

const RESERVED_FLAGS = 0xe0; // must be zero (RFC 1952)
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;

function corrupt(name: string, message: string, details: Record<string, unknown> = {}, cause?: unknown) {
  return new SteadygradError('CORRUPT_DATA', `${name}: ${message}`, { details: { name, ...details }, cause });
}

/**
 * Offset of the deflate data in a gzip member (RFC 1952 §2.3: 10 fixed bytes, then the optional
 * FEXTRA, FNAME, FCOMMENT and FHCRC fields).
 */
function gzipDataOffset(bytes: Uint8Array, name: string): number {
  if (bytes.length < 10)
    throw corrupt(name, `gzip header is truncated: ${bytes.length} of at least 10 bytes`);
  if (bytes[2] !== 8) throw corrupt(name, `gzip compression method is ${bytes[2]}, expected 8 (deflate)`);
  const flags = bytes[3]!;
  if ((flags & RESERVED_FLAGS) !== 0)
    throw corrupt(name, `gzip header has reserved flag bits set (0x${flags.toString(16)})`);
  let p = 10;
  if (flags & FEXTRA) {
    if (p + 2 > bytes.length) throw corrupt(name, 'gzip header is truncated in its FEXTRA field');
    p += 2 + (bytes[p]! | (bytes[p + 1]! << 8));
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      while (p < bytes.length && bytes[p] !== 0) p++;
      p++; // the terminating zero
    }
  }
  if (flags & FHCRC) p += 2;
  if (p > bytes.length) throw corrupt(name, 'gzip header is truncated');
  return p;
}

/**
 * The first bytes of the decompressed stream, enough for an IDX header. Output is bounded: a deflate
 * stream expands at most ~1032:1, so a probe of 4096 compressed bytes yields at most ~4 MiB.
 */
function gunzipHead(bytes: Uint8Array, name: string): Uint8Array {
  const start = gzipDataOffset(bytes, name);
  let head: Uint8Array = new Uint8Array(0);
  for (const probe of HEADER_PROBES) {
    const end = Math.min(bytes.length, start + probe);
    try {
      head = inflateRawSync(bytes.subarray(start, end), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw corrupt(name, `gzip data is corrupt at its start (${(e as Error).message})`, {}, e);
    }
    // 4 + 4·4 bytes cover the header of any rank steadygrad accepts.
    if (head.length >= 20 || end === bytes.length) break;
  }
  return head;
}

/** Options of `readIdx`: those of `parseIdx` (the limit also caps the gunzipped size). */
export interface ReadIdxOptions extends ParseIdxOptions {}

/**
 * Reads an IDX file given as raw bytes, gzipped (`*.gz`, detected by the `1f 8b` signature) or not.
 *
 * For gzip, the IDX header is decoded first from a bounded prefix and validated (magic, uint8 type, rank,
 * element count <= `maxElements`, default 2^28); the whole stream is then inflated with its output capped
 * at the size the header implies (`4 + 4·rank + prod(dims)`), so neither a hostile header nor a gzip bomb
 * can make it allocate more than that. A truncated, corrupt or over-long stream is `CORRUPT_DATA` naming
 * the file, the expected size and the actual size.
 */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  const { name = 'IDX data' } = options;
  if (!isGzip(bytes)) return parseIdx(bytes, options);

  const head = gunzipHead(bytes, name);
  const header = parseIdxHeader(head, { ...options, name: `${name} (after gunzip)` });
  const expected = header.totalBytes;
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { maxOutputLength: expected + 1 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE') {
      throw corrupt(
        name,
        `decompresses to more than the ${expected.toLocaleString('en-US')} bytes its IDX header ` +
          `(dims [${header.dims.join(', ')}]) implies; refusing to inflate further`,
        { dims: header.dims, expectedBytes: expected },
        e,
      );
    }
    // Truncated or corrupt stream: measure how much of it decodes, to report expected vs actual size.
    let actual: number | undefined;
    try {
      actual = gunzipSync(bytes, {
        finishFlush: constants.Z_SYNC_FLUSH,
        maxOutputLength: expected + 1,
      }).length;
    } catch {
      actual = undefined;
    }
    const got = actual === undefined ? 'an undecodable stream' : `${actual.toLocaleString('en-US')} bytes`;
    throw corrupt(
      name,
      `gzip stream is truncated or corrupt (${err.message}): its IDX header (dims [${header.dims.join(', ')}]) ` +
        `implies ${expected.toLocaleString('en-US')} bytes after decompression, got ${got} ` +
        `(${bytes.length.toLocaleString('en-US')} compressed bytes)`,
      { dims: header.dims, expectedBytes: expected, actualBytes: actual, compressedBytes: bytes.length },
      e,
    );
  }
  return parseIdx(new Uint8Array(out.buffer, out.byteOffset, out.length), {
    ...options,
    name: `${name} (after gunzip)`,
  });
}
