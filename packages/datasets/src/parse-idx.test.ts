import { isSteadygradError, RandomStream, SteadygradError } from '@steadygrad/core';
import { describe, expect, it } from 'vitest';
import { encodeIdx, IDX_MAX_ELEMENTS, isGzip, parseIdx, parseIdxHeader } from './parse-idx.js';

function hostileHeader(count: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, 0x803);
  v.setUint32(4, count);
  v.setUint32(8, 28);
  v.setUint32(12, 28);
  return b;
}

function catchError(fn: () => unknown): SteadygradError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SteadygradError) return e;
    throw e;
  }
  throw new Error('expected a SteadygradError');
}

describe('parseIdx', () => {
  it('reads labels (0x00000801) and images (0x00000803) with big-endian dims, as views', () => {
    const labels = Uint8Array.from([9, 0, 0, 3, 0]);
    const file = encodeIdx([5], labels);
    expect(Array.from(file.subarray(0, 8))).toEqual([0, 0, 8, 1, 0, 0, 0, 5]);
    const l = parseIdx(file, { name: 'labels' });
    expect(l.magic).toBe(0x801);
    expect(l.dims).toEqual([5]);
    expect(l.headerBytes).toBe(8);
    expect(Array.from(l.data)).toEqual([9, 0, 0, 3, 0]);
    expect(l.data.buffer).toBe(file.buffer); // no copy

    const pixels = Uint8Array.from({ length: 2 * 3 * 4 }, (_, i) => i * 10);
    const img = parseIdx(encodeIdx([2, 3, 4], pixels));
    expect(img.magic).toBe(0x803);
    expect(img.dims).toEqual([2, 3, 4]);
    expect(img.totalBytes).toBe(16 + 24);
    expect(Array.from(img.data)).toEqual(Array.from(pixels));
    // Dims are big-endian: 300 = 0x0000012c.
    const big = encodeIdx([300], new Uint8Array(300));
    expect(Array.from(big.subarray(4, 8))).toEqual([0, 0, 1, 0x2c]);
    expect(parseIdx(big).dims).toEqual([300]);
  });

  it('rejects a wrong magic number, naming the file and the expected magics', () => {
    const bytes = Uint8Array.from([0x47, 0x49, 0x46, 0x38, 0, 0, 0, 0]);
    const e = catchError(() => parseIdx(bytes, { name: 'train-labels-idx1-ubyte' }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toBe(
      'train-labels-idx1-ubyte: not an IDX file: magic number is 0x47494638, expected 0x00000801 (labels) or 0x00000803 (images)',
    );
  });

  it('rejects non-uint8 element types and unsupported ranks', () => {
    const float = Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(() => parseIdx(float, { name: 'f' })).toThrow(
      'f: IDX element type is 0x0d (float32), expected 0x08 (uint8); magic 0x00000d01',
    );
    const bogus = Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]);
    expect(() => parseIdx(bogus, { name: 'b' })).toThrow(/0x42 \(not a valid IDX type\), expected 0x08/);
    const rank5 = Uint8Array.from([0, 0, 8, 5, ...new Array(20).fill(0)]);
    expect(() => parseIdx(rank5, { name: 'r' })).toThrow(
      'r: IDX rank is 5 (magic 0x00000805), expected 1 or 2 or 3 or 4',
    );
    const labels = encodeIdx([3], [1, 2, 3]);
    expect(() => parseIdx(labels, { name: 'x', ranks: [3] })).toThrow(
      'x: IDX rank is 1 (magic 0x00000801), expected 3 (0x00000803)',
    );
  });

  it('reports a truncated file with its name, the expected size and the actual size', () => {
    const file = encodeIdx([4, 28, 28], new Uint8Array(4 * 784));
    const e = catchError(() => parseIdx(file.subarray(0, 1000), { name: 't10k-images-idx3-ubyte' }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toBe(
      't10k-images-idx3-ubyte: file is truncated: the IDX header (dims [4, 28, 28]) implies 3,152 bytes, got 1,000 bytes',
    );
    expect(e.details).toMatchObject({ expectedBytes: 3152, actualBytes: 1000 });
    const long = new Uint8Array(file.length + 3);
    long.set(file);
    expect(() => parseIdx(long, { name: 'l' })).toThrow(
      'l: file is longer than its header says: the IDX header (dims [4, 28, 28]) implies 3,152 bytes, got 3,155 bytes',
    );
    expect(() => parseIdx(file.subarray(0, 3), { name: 's' })).toThrow(
      's: file is truncated: expected at least a 4-byte IDX magic number, got 3 bytes',
    );
    expect(() => parseIdx(file.subarray(0, 10), { name: 'h' })).toThrow(
      'h: file is truncated: expected a 16-byte IDX header (rank 3), got 10 bytes',
    );
  });

  it('rejects a hostile header claiming 2^31 images without allocating', () => {
    const before = process.memoryUsage().arrayBuffers;
    const e = catchError(() => parseIdx(hostileHeader(2 ** 31), { name: 'evil' }));
    expect(e.code).toBe('CORRUPT_DATA');
    expect(e.message).toBe(
      'evil: IDX header claims dims [2147483648, 28, 28] = 1,683,627,180,032 values, more than the limit of ' +
        '268,435,456; refusing to allocate (corrupt or hostile header?)',
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 2 ** 20);
    // Largest representable claim: 4 dims of 2^32 − 1 each; still a clean error.
    const max = Uint8Array.from([0, 0, 8, 4, ...new Array(16).fill(0xff)]);
    expect(() => parseIdxHeader(max)).toThrow(/more than the limit of 268,435,456/);
    // Within the limit but not backed by data: a size error, still no allocation.
    expect(() => parseIdx(hostileHeader(1000), { name: 'short' })).toThrow(
      'short: file is truncated: the IDX header (dims [1000, 28, 28]) implies 784,016 bytes, got 16 bytes',
    );
    expect(IDX_MAX_ELEMENTS).toBe(2 ** 28);
    expect(() => parseIdx(encodeIdx([11], new Uint8Array(11)), { maxElements: 10 })).toThrow(/limit of 10/);
  });

  it('survives random truncations and bit flips: a correct result or a CORRUPT_DATA error (seeded fuzz)', () => {
    const rng = new RandomStream(20261125);
    const pixels = Uint8Array.from({ length: 3 * 5 * 4 }, (_, i) => (i * 37) % 256);
    const good = encodeIdx([3, 5, 4], pixels);
    let errors = 0;
    let ok = 0;
    for (let trial = 0; trial < 2000; trial++) {
      let bytes = good.slice();
      if (rng.uniform() < 0.5) bytes = bytes.subarray(0, rng.int(bytes.length + 1));
      const flips = rng.int(4);
      for (let f = 0; f < flips && bytes.length > 0; f++) bytes[rng.int(bytes.length)]! ^= 1 << rng.int(8);
      try {
        const r = parseIdx(bytes, { name: 'fuzz' });
        ok++;
        expect(r.totalBytes).toBe(bytes.length);
        expect(r.data.length).toBe(r.dims.reduce((a, b) => a * b, 1));
      } catch (e) {
        errors++;
        expect(isSteadygradError(e, 'CORRUPT_DATA')).toBe(true);
        expect((e as Error).message.startsWith('fuzz: ')).toBe(true);
      }
    }
    expect(ok).toBeGreaterThan(100);
    expect(errors).toBeGreaterThan(100);
  });

  it('detects gzip by its signature and validates encodeIdx arguments', () => {
    expect(isGzip(Uint8Array.from([0x1f, 0x8b, 8]))).toBe(true);
    expect(isGzip(encodeIdx([1], [0]))).toBe(false);
    expect(() => encodeIdx([2], [1])).toThrow('data has 1 values, expected prod([2]) = 2');
    expect(() => encodeIdx([], [])).toThrow(/dims must be 1 to 4/);
  });
});
