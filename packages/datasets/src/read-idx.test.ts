import { gzipSync } from 'node:zlib';
import { isSteadygradError, RandomStream, SteadygradError } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from './parse-idx.js';
import { readIdx } from './read-idx.js';

function catchError(fn: () => unknown): SteadygradError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SteadygradError) return e;
    throw e;
  }
  throw new Error('expected a SteadygradError');
}

const pixels = Uint8Array.from({ length: 6 * 28 * 28 }, (_, i) => (i * 13) % 256);
const raw = encodeIdx([6, 28, 28], pixels);
const gz = new Uint8Array(gzipSync(raw));

describe('readIdx', () => {
  it('reads raw and gzipped IDX files to the same values', () => {
    const a = readIdx(raw, { name: 'raw' });
    const b = readIdx(gz, { name: 'gz' });
    expect(b.dims).toEqual([6, 28, 28]);
    expect(b.magic).toBe(0x803);
    expect(Array.from(b.data)).toEqual(Array.from(pixels));
    expect(Array.from(a.data)).toEqual(Array.from(pixels));
  });

  it('skips the optional gzip header fields (FEXTRA, FNAME, FCOMMENT)', () => {
    // Rebuild the member header with flags FEXTRA | FNAME | FCOMMENT set, as `gzip` writes a file name.
    const extra = [4, 0, 1, 2, 3, 4];
    const fname = [...new TextEncoder().encode('train-images-idx3-ubyte'), 0];
    const comment = [...new TextEncoder().encode('hi'), 0];
    const fixed = Array.from(gz.subarray(0, 10));
    fixed[3] = 0x04 | 0x08 | 0x10;
    const withFields = Uint8Array.from([...fixed, ...extra, ...fname, ...comment, ...gz.subarray(10)]);
    expect(Array.from(readIdx(withFields, { name: 'named' }).data)).toEqual(Array.from(pixels));
    const reserved = gz.slice();
    reserved[3] = 0x80;
    expect(() => readIdx(reserved, { name: 'r' })).toThrow(
      'r: gzip header has reserved flag bits set (0x80)',
    );
  });

  it('reports a cut-off gzip file: which file, the expected size and how much decoded', () => {
    const e = catchError(() =>
      readIdx(gz.subarray(0, Math.floor(gz.length / 2)), { name: 'train-images-idx3-ubyte.gz' }),
    );
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(
      /^train-images-idx3-ubyte\.gz: gzip stream is truncated or corrupt \(unexpected end of file\): its IDX header \(dims \[6, 28, 28\]\) implies 4,720 bytes after decompression, got [\d,]+ bytes/,
    );
    expect(e.details.expectedBytes).toBe(4720);
    expect(e.details.actualBytes as number).toBeLessThan(4720);
  });

  it('reports a complete gzip stream of a truncated IDX file with expected vs actual size', () => {
    const short = new Uint8Array(gzipSync(raw.subarray(0, 3000)));
    expect(() => readIdx(short, { name: 'cut.gz' })).toThrow(
      'cut.gz (after gunzip): file is truncated: the IDX header (dims [6, 28, 28]) implies 4,720 bytes, got 3,000 bytes',
    );
  });

  it('rejects a gzipped hostile header claiming 2^31 images before inflating anything else', () => {
    const header = new Uint8Array(16);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x803);
    v.setUint32(4, 2 ** 31);
    v.setUint32(8, 28);
    v.setUint32(12, 28);
    const before = process.memoryUsage().arrayBuffers;
    const e = catchError(() => readIdx(new Uint8Array(gzipSync(header)), { name: 'evil.gz' }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toMatch(/^evil\.gz \(after gunzip\): IDX header claims dims \[2147483648, 28, 28\]/);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
  });

  it('stops a gzip bomb at the size its header implies (no 1 GiB allocation)', () => {
    // A valid 10-image header followed by 1 GiB of zeros, as 64 concatenated gzip members of 16 MiB each.
    const zeros = gzipSync(new Uint8Array(16 * 2 ** 20), { level: 9 });
    const head = gzipSync(encodeIdx([10, 28, 28], new Uint8Array(7840)));
    const parts = [head, ...new Array<Buffer>(64).fill(zeros)];
    const bomb = new Uint8Array(Buffer.concat(parts));
    expect(bomb.length).toBeLessThan(2 * 2 ** 20);
    const before = process.memoryUsage().arrayBuffers;
    const t0 = performance.now();
    const e = catchError(() => readIdx(bomb, { name: 'bomb.gz' }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toBe(
      'bomb.gz: decompresses to more than the 7,856 bytes its IDX header (dims [10, 28, 28]) implies; refusing to inflate further',
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('survives random truncations and bit flips of gzipped files (seeded fuzz)', () => {
    const rng = new RandomStream(7);
    const small = new Uint8Array(
      gzipSync(
        encodeIdx(
          [3, 4, 5],
          Uint8Array.from({ length: 60 }, (_, i) => i * 3),
        ),
      ),
    );
    let ok = 0;
    let errors = 0;
    for (let trial = 0; trial < 1500; trial++) {
      let bytes = small.slice();
      if (rng.uniform() < 0.5) bytes = bytes.subarray(0, rng.int(bytes.length + 1));
      const flips = rng.int(3);
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
      try {
        const r = readIdx(bytes, { name: 'fuzz.gz' });
        ok++;
        expect(r.data.length).toBe(r.dims.reduce((a, b) => a * b, 1));
      } catch (e) {
        errors++;
        if (!isSteadygradError(e, 'CORRUPT_DATA')) throw e;
        expect(e.message.startsWith('fuzz.gz')).toBe(true);
      }
    }
    expect(ok).toBeGreaterThan(50);
    expect(errors).toBeGreaterThan(50);
  });
});
