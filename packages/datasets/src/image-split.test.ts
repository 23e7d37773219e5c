import { describe, expect, it } from 'vitest';
import { classCounts, makeSplit, sliceSplit, subset } from './image-split.js';

const split = makeSplit(Uint8Array.from([1, 1, 2, 2, 3, 3, 4, 4]), Uint8Array.from([0, 1, 2, 1]), [1, 2]);

describe('image splits', () => {
  it('subset copies the chosen images in order, repeats allowed', () => {
    const s = subset(split, [3, 0, 3]);
    expect(s.count).toBe(3);
    expect(Array.from(s.images)).toEqual([4, 4, 1, 1, 4, 4]);
    expect(Array.from(s.labels)).toEqual([1, 0, 1]);
    expect(s.images.buffer).not.toBe(split.images.buffer);
    expect(subset(split, []).count).toBe(0);
  });

  it('subset rejects out-of-range or fractional indices', () => {
    expect(() => subset(split, [0, 4])).toThrow('subset index 4 at position 1 is not an integer in [0, 4)');
    expect(() => subset(split, [1.5])).toThrow('subset index 1.5 at position 0 is not an integer in [0, 4)');
  });

  it('sliceSplit returns views; classCounts histograms labels', () => {
    const s = sliceSplit(split, 1, 3);
    expect(Array.from(s.images)).toEqual([2, 2, 3, 3]);
    expect(s.images.buffer).toBe(split.images.buffer);
    expect(classCounts(split, 3)).toEqual([1, 2, 1]);
    expect(() => classCounts(split, 2)).toThrow('label 2 at index 2 is outside [0, 2)');
  });

  it('makeSplit checks that images and labels agree', () => {
    expect(() => makeSplit(new Uint8Array(7), new Uint8Array(2), [2, 2])).toThrow(
      'images hold 7 pixels, expected 2 labels × 2×2 = 8',
    );
    expect(() => makeSplit(new Uint8Array(0), new Uint8Array(0), [0, 2])).toThrow(/two positive integers/);
  });
});
