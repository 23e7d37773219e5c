import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bytePlan } from './byte-batch-tensorflow.js';
import { arraySource, tensorSource, toBatchSource } from './data.js';
import { SteadygradError } from './errors.js';
import { setHostSimdEnabled } from './kernels/runtime/simd-module.js';

describe('batch sources', () => {
  it('gathers, scales and converts uint8 samples only when a batch is taken', () => {
    const pixels = Uint8Array.from([0, 255, 51, 102, 10, 20]);
    const src = arraySource(pixels, [2], { scale: 1 / 255 });
    expect(src.size).toBe(3);
    const b = src.batch([2, 0]);
    expect(b.shape).toEqual([2, 2]);
    expect(Array.from(b.dataSync())).toEqual([10 / 255, 20 / 255, 0, 1].map((v) => Math.fround(v)));
    b.dispose();
    const labels = arraySource(Int32Array.from([3, 1, 4]), [], { dtype: 'int32' });
    const l = labels.batch([1, 2]);
    expect(l.dtype).toBe('int32');
    expect(Array.from(l.dataSync())).toEqual([1, 4]);
    l.dispose();
  });

  it('converts every byte value as x · scale + offset in float64, rounded once to float32', () => {
    // The byte path goes through a 256-entry table: each of the 256 values, in rows of 16, against the formula.
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => (i * 101 + 7) % 256);
    const scale = 0.0123;
    const offset = -1.7;
    const src = arraySource(bytes, [4, 4], { scale, offset });
    const before = tf.memory().numTensors;
    const rows = Array.from({ length: 16 }, (_, i) => 15 - i);
    const b = src.batch(rows);
    const got = Array.from(b.dataSync());
    b.dispose();
    const want = rows.flatMap((r) =>
      Array.from(bytes.subarray(r * 16, r * 16 + 16), (v) => Math.fround(v * scale + offset)),
    );
    expect(got).toEqual(want);
    expect(new Set(Array.from(bytes)).size).toBe(256);
    expect(() => src.batch([0, 16])).toThrow(/sample index 16 is outside \[0, 16\)/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('byte batches: every plan (division, multiplication, table) gives the formula exactly', () => {
    // On tensorflow these take TensorFlow's RealDiv, Mul + AddV2 and GatherV2 (see bytePlan); elsewhere the table.
    const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 101 + 7) % 256);
    for (const [scale, offset] of [
      [1 / 255, 0],
      [2, -1],
      [0.0123, -1.7],
    ] as const) {
      const src = arraySource(bytes, [2, 16], { scale, offset });
      const before = tf.memory().numTensors;
      const b = src.batch([7, 0, 3]);
      expect(b.shape).toEqual([3, 2, 16]);
      const got = Array.from(b.dataSync());
      b.dispose();
      const want = [7, 0, 3].flatMap((r) =>
        Array.from(bytes.subarray(r * 32, r * 32 + 32), (v) => Math.fround(v * scale + offset)),
      );
      expect(got).toEqual(want);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('bytePlan picks float32 arithmetic only where it equals the table for all 256 bytes', () => {
    const tableOf = (s: number, o: number) => Float32Array.from({ length: 256 }, (_, b) => b * s + o);
    expect(bytePlan(tableOf(1 / 255, 0), 1 / 255, 0)).toEqual({ kind: 'divide', divisor: 255 });
    expect(bytePlan(tableOf(0.5, 0), 0.5, 0)).toEqual({ kind: 'divide', divisor: 2 });
    expect(bytePlan(tableOf(2, -1), 2, -1)).toEqual({ kind: 'multiply', scale: 2, offset: -1 });
    // fround(1/255) as a multiplier misses 126 of the 256 bytes, and no float32 pair reproduces these:
    expect(bytePlan(tableOf(1 / 255, -0.5), 1 / 255, -0.5)).toEqual({ kind: 'lookup' });
    expect(bytePlan(tableOf(0.0123, -1.7), 0.0123, -1.7)).toEqual({ kind: 'lookup' });
    expect(
      Array.from({ length: 256 }, (_, b) => b).filter(
        (b) => Math.fround(b * Math.fround(1 / 255)) !== Math.fround(b * (1 / 255)),
      ),
    ).toHaveLength(126);
  });

  it('rejects ragged arrays and out-of-range indices', () => {
    expect(() => arraySource(new Uint8Array(5), [2])).toThrow(SteadygradError);
    expect(() => arraySource(new Uint8Array(4), [2]).batch([2])).toThrow(
      /sample index 2 is outside \[0, 2\)/,
    );
  });

  it('wraps tensors without leaking', () => {
    const t = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const before = tf.memory().numTensors;
    const src = toBatchSource(t);
    expect(src).toMatchObject({ size: 3, shape: [2], dtype: 'float32' });
    const b = tensorSource(t).batch([2, 1]);
    expect(b.arraySync()).toEqual([
      [5, 6],
      [3, 4],
    ]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });
});

describe('arraySource byte batches on the wasm backend (one kernel, converted in place)', () => {
  it('equal the JavaScript conversion bit for bit, in any order, and still check the indices', async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    try {
      const sample = [3, 5];
      const pixels = Uint8Array.from({ length: 7 * 15 }, (_, i) => (i * 37 + 11) % 256);
      const source = arraySource(pixels, sample, { scale: 1 / 255, offset: -0.5 });
      const indices = [6, 0, 3, 3, 1];
      const before = tf.memory().numTensors;
      const fast = source.batch(indices);
      setHostSimdEnabled(false);
      const plain = source.batch(indices);
      setHostSimdEnabled(true);
      expect(fast.shape).toEqual([5, 3, 5]);
      expect(fast.dtype).toBe('float32');
      const a = fast.dataSync() as Float32Array;
      const b = plain.dataSync() as Float32Array;
      expect(Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))).toEqual(
        Array.from(new Uint32Array(b.buffer, b.byteOffset, b.length)),
      );
      // Sample 6, value 0: Math.fround(pixels[90] / 255 − 0.5).
      expect(a[0]).toBe(Math.fround((pixels[90] as number) * (1 / 255) - 0.5));
      tf.dispose([fast, plain]);
      const empty = source.batch([]);
      expect(empty.shape).toEqual([0, 3, 5]);
      empty.dispose();
      expect(() => source.batch([0, 7])).toThrow(/sample index 7 is outside \[0, 7\)/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      setHostSimdEnabled(true);
      await tf.setBackend('cpu');
    }
  });
});
