import { describe, expect, it } from 'vitest';
import { makeSplit } from './image-split.js';
import { validationSplit } from './validation-split.js';

// 10 one-pixel images whose pixel equals their index.
const split = makeSplit(
  Uint8Array.from({ length: 10 }, (_, i) => i),
  Uint8Array.from({ length: 10 }, (_, i) => i % 3),
  [1, 1],
);

describe('validationSplit', () => {
  it('defaults to Géron 3rd ed.: the last validationSize images validate, as views', () => {
    const { train, valid } = validationSplit(split, { validationSize: 3 });
    expect(Array.from(train.images)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(valid.images)).toEqual([7, 8, 9]);
    expect(Array.from(valid.labels)).toEqual([1, 2, 0]);
    expect(valid.images.buffer).toBe(split.images.buffer);
  });

  it("position 'first' is Géron 2nd ed. (X_valid = X_train_full[:5000])", () => {
    const { train, valid } = validationSplit(split, { validationSize: 4, position: 'first' });
    expect(Array.from(valid.images)).toEqual([0, 1, 2, 3]);
    expect(Array.from(train.images)).toEqual([4, 5, 6, 7, 8, 9]);
  });

  it('with a seed: a reproducible random partition, each part in original order', () => {
    const a = validationSplit(split, { validationSize: 4, seed: 42 });
    const b = validationSplit(split, { validationSize: 4, seed: 42 });
    const c = validationSplit(split, { validationSize: 4, seed: 43 });
    expect(Array.from(a.valid.images)).toEqual(Array.from(b.valid.images));
    expect(Array.from(a.valid.images)).not.toEqual(Array.from(c.valid.images));
    const all = [...a.train.images, ...a.valid.images].sort((x, y) => x - y);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.valid.count).toBe(4);
    const v = Array.from(a.valid.images);
    expect(v).toEqual([...v].sort((x, y) => x - y));
    expect(Array.from(a.valid.labels)).toEqual(v.map((i) => i % 3));
  });

  it('the default is 5000 and validationSize must leave training images', () => {
    expect(() => validationSplit(split)).toThrow('validationSize must be an integer >= 1 <= 9, got 5000');
    expect(() => validationSplit(split, { validationSize: 0 })).toThrow(/got 0/);
    expect(() => validationSplit(split, { validationSize: 2, position: 'middle' as 'first' })).toThrow(
      `position must be one of 'first', 'last', got "middle"`,
    );
  });
});
