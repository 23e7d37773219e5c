// Integration test on the REAL Fashion-MNIST (no fixtures, no mocks). It must run in CI, which installs
// Debian's dataset-fashion-mnist; when the data is missing this test FAILS (it is never skipped).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { isSteadygradError } from '@steadygrad/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLASS_NAMES, FASHION_MNIST_PAYLOAD_SHA256, FASHION_MNIST_ROLES } from './fashion-mnist-files.js';
import type { FashionMnist } from './fashion-mnist-from-idx.js';
import { classCounts } from './image-split.js';
import { type FashionMnistLocation, loadFashionMnist } from './load-fashion-mnist.js';
import { transferSplit } from './transfer-split.js';
import { validationSplit } from './validation-split.js';

let data: FashionMnist & { location: FashionMnistLocation };

beforeAll(async () => {
  try {
    data = await loadFashionMnist({ download: false });
  } catch (e) {
    const why = isSteadygradError(e) ? `${e.code}: ${e.message}` : String(e);
    throw new Error(
      'The real Fashion-MNIST is required by this integration test and was not found. Install it with ' +
        '`sudo apt-get install dataset-fashion-mnist` (CI does) or set FASHION_MNIST_DIR. Loader said: ' +
        why,
    );
  }
});

describe('real Fashion-MNIST', () => {
  it('has 60,000 training and 10,000 test images of 28×28 uint8 with known first labels', () => {
    expect(data.train.count).toBe(60000);
    expect(data.test.count).toBe(10000);
    expect(data.train.shape).toEqual([28, 28]);
    expect(data.train.images.length).toBe(60000 * 784);
    expect(data.test.images.length).toBe(10000 * 784);
    expect(Array.from(data.train.labels.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
    expect(Array.from(data.test.labels.subarray(0, 5))).toEqual([9, 2, 1, 1, 6]);
    expect(data.classNames).toBe(CLASS_NAMES);
  });

  it('has pixels spanning 0..255 and exactly 6,000 / 1,000 images per class', () => {
    let min = 255;
    let max = 0;
    const px = data.train.images;
    for (let i = 0; i < px.length; i++) {
      const v = px[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect([min, max]).toEqual([0, 255]);
    expect(classCounts(data.train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(data.test)).toEqual(new Array(10).fill(1000));
  });

  it("decompresses to the official files' content (pinned SHA-256 of the raw IDX files)", () => {
    for (const role of FASHION_MNIST_ROLES) {
      const path = data.location.files[role];
      const bytes = readFileSync(path);
      const raw = path.endsWith('.gz') ? gunzipSync(bytes) : bytes;
      expect([role, createHash('sha256').update(raw).digest('hex')]).toEqual([
        role,
        FASHION_MNIST_PAYLOAD_SHA256[role],
      ]);
    }
  });

  it("reproduces Géron's published transfer split (2nd ed.: first 5,000 validate, sandal/shirt)", () => {
    const { train, valid } = validationSplit(data.train, { position: 'first' });
    expect([train.count, valid.count]).toEqual([55000, 5000]);
    const t = transferSplit({ train, valid, test: data.test });
    // Published notebook output: X_train_A.shape == (43986, 28, 28), X_train_B.shape == (200, 28, 28).
    expect(t.a.train.count).toBe(43986);
    expect(t.b.train.count).toBe(200);
    expect(Array.from(t.a.train.labels.subarray(0, 30))).toEqual([
      4, 0, 5, 7, 7, 7, 4, 4, 3, 4, 0, 1, 6, 3, 4, 3, 2, 6, 5, 3, 4, 5, 1, 3, 4, 2, 0, 6, 7, 1,
    ]);
    expect(Array.from(t.b.train.labels.subarray(0, 30))).toEqual([
      1, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1, 1,
    ]);
    expect(t.b.test.count).toBe(2000);
    expect(t.a.test.count).toBe(8000);
    expect(t.a.valid!.count + t.b.valid!.count).toBe(5000);
  });
});
