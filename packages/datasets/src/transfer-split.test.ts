import { describe, expect, it } from 'vitest';
import { CLASS_NAMES } from './fashion-mnist-files.js';
import { type ImageSplit, makeSplit } from './image-split.js';
import { transferSplit } from './transfer-split.js';

// n one-pixel images; image i has label labels[i] and pixel i.
function split(labels: number[]): ImageSplit {
  return makeSplit(
    Uint8Array.from(labels, (_, i) => i),
    Uint8Array.from(labels),
    [1, 1],
  );
}

/** Géron's numpy split_dataset, transcribed literally (independent reference). */
function geron(labels: number[]): { xa: number[]; ya: number[]; xb: number[]; yb: number[] } {
  const is5or6 = labels.map((y) => y === 5 || y === 6);
  const xa = labels.map((_, i) => i).filter((i) => !is5or6[i]);
  const ya = labels.filter((_, i) => !is5or6[i]).map((y) => (y > 6 ? y - 2 : y));
  const xb = labels.map((_, i) => i).filter((i) => is5or6[i]);
  const yb = labels.filter((_, i) => is5or6[i]).map((y) => (y === 6 ? 1 : 0));
  return { xa, ya, xb, yb };
}

const trainLabels = Array.from({ length: 50 }, (_, i) => (i * 7) % 10);
const validLabels = [6, 5, 9, 0, 6, 1];
const testLabels = [5, 5, 6, 8, 7, 2, 3, 4];

describe('transferSplit', () => {
  it("matches Géron's split_dataset: A = 8 classes relabelled 0..7, B = shirt(1) vs sandal(0)", () => {
    const t = transferSplit(
      { train: split(trainLabels), valid: split(validLabels), test: split(testLabels) },
      { sizeB: 6 },
    );
    const ref = geron(trainLabels);
    expect(Array.from(t.a.train.images)).toEqual(ref.xa);
    expect(Array.from(t.a.train.labels)).toEqual(ref.ya);
    expect(Array.from(t.b.train.images)).toEqual(ref.xb.slice(0, 6)); // X_train_B[:sizeB]
    expect(Array.from(t.b.train.labels)).toEqual(ref.yb.slice(0, 6));
    const refValid = geron(validLabels);
    expect(Array.from(t.a.valid!.labels)).toEqual(refValid.ya);
    expect(Array.from(t.b.valid!.images)).toEqual(refValid.xb); // not cut
    expect(Array.from(t.b.valid!.labels)).toEqual([1, 0, 1]);
    const refTest = geron(testLabels);
    expect(Array.from(t.a.test.labels)).toEqual([6, 5, 2, 3, 4]);
    expect(Array.from(t.a.test.labels)).toEqual(refTest.ya);
    expect(Array.from(t.b.test.labels)).toEqual(refTest.yb);
    expect(t.classesA).toEqual([0, 1, 2, 3, 4, 7, 8, 9]);
    expect(t.classesB).toEqual([5, 6]);
    expect(t.a.classNames).toEqual([
      'T-shirt/top',
      'Trouser',
      'Pullover',
      'Dress',
      'Coat',
      'Sneaker',
      'Bag',
      'Ankle boot',
    ]);
    expect(t.b.classNames).toEqual(['Sandal', 'Shirt']);
  });

  it("takes Géron 3rd edition's classes (pullover = 1 vs T-shirt/top = 0) and a seeded sample", () => {
    const t = transferSplit(
      { train: split(trainLabels), test: split(testLabels) },
      { classesB: [0, 2], sizeB: 4, seed: 1 },
    );
    expect(t.a.valid).toBeUndefined();
    expect(t.classesA).toEqual([1, 3, 4, 5, 6, 7, 8, 9]);
    expect(t.b.classNames).toEqual([CLASS_NAMES[0], CLASS_NAMES[2]]);
    const b = Array.from(t.b.train.images);
    expect(b).toHaveLength(4);
    expect(b).toEqual([...b].sort((x, y) => x - y));
    for (const i of b) expect([0, 2]).toContain(trainLabels[i]);
    expect(Array.from(t.b.train.labels)).toEqual(b.map((i) => (trainLabels[i] === 2 ? 1 : 0)));
    const again = transferSplit(
      { train: split(trainLabels), test: split(testLabels) },
      { classesB: [0, 2], sizeB: 4, seed: 1 },
    );
    expect(Array.from(again.b.train.images)).toEqual(b);
  });

  it('validates classesB and sizeB', () => {
    const data = { train: split(trainLabels), test: split(testLabels) };
    expect(() => transferSplit(data, { classesB: [5, 5] })).toThrow(
      'classesB must be two different classes, got [5,5]',
    );
    expect(() => transferSplit(data, { classesB: [5, 10] })).toThrow(
      'classesB[1] must be an integer >= 0 <= 9, got 10',
    );
    expect(() => transferSplit(data)).toThrow(
      'sizeB is 200, but the training split holds only 10 images of classes 5 and 6; expected sizeB <= 10',
    );
    expect(() => transferSplit(data, { sizeB: 0 })).toThrow('sizeB must be an integer >= 1, got 0');
  });
});
