// Cases of the bad-input catalogue (bad-input-catalogue.test.ts runs them): files on disk and issue 20's
// model-file, setWeights and dataset-path items.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '@steadygrad/core';
import { encodeIdx, FASHION_MNIST_FILES, locateFashionMnist, readIdx } from '@steadygrad/datasets';
import { loadLayersModel, saveLayersModel } from '@steadygrad/interop';
import { readCheckpoint, writeCheckpoint } from '@steadygrad/train';
import { expect } from 'vitest';
import { type Case, dir, model } from './bad-input-fixture.js';

/** The file cases: model files, checkpoints, datasets on disk and issue 20's items 4, 5, 6 and 9. */
export const fileCases: readonly Case[] = [
  // --- files
  {
    name: 'a truncated IDX file',
    code: 'CORRUPT_DATA',
    message: [/train-images-idx3-ubyte/, /truncated/, /implies 48 bytes, got 43 bytes/],
    run: () => {
      const bytes = encodeIdx([2, 4, 4], new Uint8Array(2 * 4 * 4));
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), bytes.subarray(0, bytes.length - 5));
      return readIdx(readFileSync(join(dir, 'train-images-idx3-ubyte')), { name: 'train-images-idx3-ubyte' });
    },
  },
  {
    name: 'a model.json whose Dense declares 10^11 units (no allocation)',
    code: 'CORRUPT_DATA',
    message: [/layer 'out' \(Dense\)/, /needs \d+ values/, /weight data holds/],
    run: async () => {
      const m = join(dir, 'hostile-model');
      await saveLayersModel(model, m);
      const json = readFileSync(join(m, 'model.json'), 'utf8').replace(
        /"units":\s*2\b/,
        '"units": 100000000000',
      );
      writeFileSync(join(m, 'model.json'), json);
      return loadLayersModel(m);
    },
  },
  {
    name: 'a model.json whose weight path escapes its directory',
    code: 'CORRUPT_DATA',
    message: [/'\.\.\/weights\.bin' escapes the model directory/, /plain relative paths/],
    run: async () => {
      const m = join(dir, 'escape-model');
      await saveLayersModel(model, m);
      // The manifest names the content-named weights file (weights-<hash>.bin); point it outside instead.
      const json = JSON.parse(readFileSync(join(m, 'model.json'), 'utf8'));
      expect(json.weightsManifest[0].paths).toEqual([expect.stringMatching(/^weights-[0-9a-f]{16}\.bin$/)]);
      json.weightsManifest[0].paths = ['../weights.bin'];
      writeFileSync(join(m, 'model.json'), JSON.stringify(json));
      return loadLayersModel(m);
    },
  },
  {
    name: 'a checkpoint whose tensors.bin has a flipped bit',
    code: 'CHECKSUM_MISMATCH',
    message: [/tensors\.bin/, /SHA-256|checksum/i],
    run: async () => {
      const c = join(dir, 'ckpt');
      const gen = await writeCheckpoint(
        c,
        { epoch: 1 },
        new Map([['w', { dtype: 'float32', shape: [2], data: Float32Array.from([1, 2]) }]]),
      );
      const bin = readFileSync(join(gen, 'tensors.bin'));
      bin[3]! ^= 0x10;
      writeFileSync(join(gen, 'tensors.bin'), bin);
      return readCheckpoint(c);
    },
  },
  {
    name: 'an IDX header claiming 2^31 images',
    code: 'CORRUPT_DATA',
    message: [/hostile\.idx/, /2147483648|2\^31|too (many|large)/i],
    run: () => {
      const bytes = new Uint8Array(16);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, 0x00000803);
      view.setUint32(4, 2 ** 31);
      view.setUint32(8, 28);
      view.setUint32(12, 28);
      return readIdx(bytes, { name: 'hostile.idx' });
    },
  },
  // --- issue 20: nothing lost under a mistake (model files, setWeights, dataset paths)
  {
    name: 'setWeights whose last entry is a string tensor (all or nothing)',
    issue20: 5,
    code: 'DTYPE_MISMATCH',
    message: [/weight 3 for parameter 'out\/bias'/, /must be a float32 tensor, got string/],
    run: () => {
      const w = model.getWeights();
      const fresh = w.map((t) => tf.add(t, 1));
      tf.dispose(w);
      return model.setWeights([...fresh.slice(0, 3), tf.tensor(['a', 'b'])]);
    },
  },
  {
    name: 'setWeights with an int32 tensor',
    issue20: 5,
    code: 'DTYPE_MISMATCH',
    message: [/weight 0 for parameter 'hidden\/kernel'/, /must be a float32 tensor, got int32/],
    run: () => {
      const w = model.getWeights();
      return model.setWeights([tf.zeros([4, 3], 'int32'), ...w.slice(1)]);
    },
  },
  {
    name: 'a 1,000 × Dense(500) model.json over the weights of its first layer (checked whole, nothing built)',
    issue20: 4,
    code: 'CORRUPT_DATA',
    message: [/layer 'd1' \(Dense\)/, /weight 'd1\/kernel'/, /missing from the weights manifest/],
    run: async () => {
      const m = join(dir, 'amplifying-model');
      mkdirSync(m);
      const layers = Array.from({ length: 1000 }, (_, i) => ({
        class_name: 'Dense',
        config: { name: `d${i}`, units: 500, ...(i === 0 ? { batch_input_shape: [null, 500] } : {}) },
      }));
      const weights = [
        { name: 'd0/kernel', shape: [500, 500], dtype: 'float32' },
        { name: 'd0/bias', shape: [500], dtype: 'float32' },
      ];
      writeFileSync(
        join(m, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          modelTopology: { class_name: 'Sequential', config: { name: 'big', layers } },
          weightsManifest: [{ paths: ['weights.bin'], weights }],
        }),
      );
      writeFileSync(join(m, 'weights.bin'), new Uint8Array((500 * 500 + 500) * 4));
      return loadLayersModel(m);
    },
  },
  {
    name: 'saveLayersModel over a model.json that is a folder (refused before anything is written)',
    issue20: 6,
    code: 'IO_ERROR',
    message: [/model\.json: it exists and is a folder/, /nothing was written/],
    run: async () => {
      const m = join(dir, 'folder-model');
      mkdirSync(join(m, 'model.json'), { recursive: true });
      try {
        return await saveLayersModel(model, m);
      } finally {
        expect(readdirSync(m)).toEqual(['model.json']);
      }
    },
  },
  {
    name: 'a model.json that is a FIFO (a typed error, no hang)',
    issue20: 6,
    code: 'CORRUPT_DATA',
    message: [/model\.json/, /FIFO/, /not a regular file/],
    run: async () => {
      const m = join(dir, 'fifo-model');
      mkdirSync(m);
      execFileSync('mkfifo', [join(m, 'model.json')]);
      return loadLayersModel(m);
    },
  },
  {
    name: 'a Fashion-MNIST folder that is /dev/zero',
    issue20: 9,
    code: 'INVALID_ARGUMENT',
    message: [/options\.dir = \/dev\/zero is a character device, not a folder/, /four Fashion-MNIST files/],
    run: () => locateFashionMnist({ dir: '/dev/zero', download: false }),
  },
  {
    name: 'a Fashion-MNIST file that is a folder',
    issue20: 9,
    code: 'CORRUPT_DATA',
    message: [/train-images-idx3-ubyte is a folder, not a regular file/],
    run: () => {
      const d = join(dir, 'fashion-with-a-folder');
      mkdirSync(join(d, FASHION_MNIST_FILES.trainImages), { recursive: true });
      return locateFashionMnist({ dir: d, download: false });
    },
  },
];
