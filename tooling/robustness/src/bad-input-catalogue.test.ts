// Issue 12: the bad-input catalogue. One table, across the packages: every case asserts the error class, its
// code, a message naming the offending thing and what was expected, and that nothing changed (weights,
// optimizer state, files on disk).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getActivation } from '@steadygrad/activations';
import {
  arraySource,
  RandomStream,
  registerGradients,
  SteadygradError,
  tf,
  useBackend,
} from '@steadygrad/core';
import { encodeIdx, FASHION_MNIST_FILES, locateFashionMnist, readIdx } from '@steadygrad/datasets';
import { getInitializer, varianceScaling } from '@steadygrad/initializers';
import { loadLayersModel, saveLayersModel } from '@steadygrad/interop';
import { Dense, Flatten, Sequential } from '@steadygrad/nn';
import { BatchNormalization } from '@steadygrad/normalization';
import { adam, Optimizer, rmsprop, sgd } from '@steadygrad/optim';
import { Dropout } from '@steadygrad/regularization';
import { exponentialDecay, piecewiseConstant } from '@steadygrad/schedules';
import { compile, readCheckpoint, writeCheckpoint } from '@steadygrad/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Case {
  readonly name: string;
  readonly code: string;
  /** Every pattern must appear in the message: what was wrong and what was expected. */
  readonly message: readonly RegExp[];
  readonly run: () => unknown;
  /** The item of issue 20 (data lost or state changed under a mistake) the case pins, when it pins one. */
  readonly issue20?: number;
}

let model: Sequential;
let dir: string;

function smallModel(): Sequential {
  return new Sequential(
    [
      new Flatten({ inputShape: [2, 2] }),
      new Dense({ units: 3, activation: 'relu', name: 'hidden' }),
      new Dense({ units: 2, activation: 'softmax', name: 'out' }),
    ],
    { seed: 3 },
  );
}

/** Every value the model and the files on disk hold, to prove a failed call changed nothing. */
function snapshot(): string {
  const weights = model.parameters.map((p) => Array.from(p.variable.dataSync()).join(','));
  const files = readdirSync(dir)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => `${f}:${readFileSync(join(dir, f)).toString('base64')}`);
  return JSON.stringify({ weights, files });
}

const x4 = () =>
  tf.tensor3d([
    [
      [0.1, 0.2],
      [0.3, 0.4],
    ],
    [
      [0.5, 0.6],
      [0.7, 0.8],
    ],
  ]);
const trainer = () =>
  compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.1 }),
    metrics: ['accuracy'],
  });

/** `fit` through a named helper (biome's focused-test rule mistakes `trainer().fit(` for jasmine's `fit`). */
function fitWith(t: ReturnType<typeof trainer>, ...args: Parameters<ReturnType<typeof trainer>['fit']>) {
  return t.fit(...args);
}

const cases: readonly Case[] = [
  // --- shapes and ranks
  {
    name: 'input with the wrong feature size',
    code: 'SHAPE_MISMATCH',
    message: [/'flatten'/, /expects/, /got \[2,3,2\]|got \[2, 3, 2\]|got/],
    run: () => model.apply(tf.ones([2, 2, 3])),
  },
  {
    name: 'input with the wrong rank',
    code: 'SHAPE_MISMATCH',
    message: [/'flatten'/, /expects/],
    run: () => model.apply(tf.ones([4])),
  },
  {
    name: 'setWeights with a wrong shape',
    code: 'SHAPE_MISMATCH',
    message: [/hidden\/kernel/, /\[4,3\]|\[4, 3\]/],
    run: () => model.setWeights(model.getWeights().map((w, i) => (i === 0 ? tf.zeros([3, 4]) : w))),
  },
  {
    name: 'setWeights with a wrong count',
    code: 'INVALID_ARGUMENT',
    message: [/4/, /weights?/],
    run: () => model.setWeights([tf.zeros([4, 3])]),
  },
  // --- data
  {
    name: 'labels out of range for a 2-class output',
    code: 'OUT_OF_RANGE',
    message: [/label/i, /\b5\b/, /\[0, ?2\)|0.*1|< 2/],
    run: () => fitWith(trainer(), x4(), tf.tensor1d([0, 5], 'int32'), { epochs: 1, verbose: 0 }),
  },
  {
    name: 'NaN in the inputs',
    code: 'NON_FINITE',
    message: [/NaN|non-finite/i, /x|input/i],
    run: () =>
      fitWith(
        trainer(),
        tf.tensor3d([
          [
            [0, Number.NaN],
            [0, 0],
          ],
          [
            [0, 0],
            [0, 0],
          ],
        ]),
        tf.tensor1d([0, 1], 'int32'),
        {
          epochs: 1,
          verbose: 0,
        },
      ),
  },
  {
    name: 'Infinity in regression targets',
    code: 'NON_FINITE',
    message: [/Inf|non-finite/i, /y|target|label/i],
    run: () =>
      fitWith(
        compile(model, { loss: 'mse', optimizer: sgd() }),
        x4(),
        tf.tensor2d([
          [0, Number.POSITIVE_INFINITY],
          [0, 1],
        ]),
        {
          epochs: 1,
          verbose: 0,
        },
      ),
  },
  {
    name: 'x and y sample counts differ',
    code: 'SHAPE_MISMATCH',
    message: [/\b2\b/, /\b3\b/],
    run: () => fitWith(trainer(), x4(), tf.tensor1d([0, 1, 1], 'int32'), { epochs: 1, verbose: 0 }),
  },
  {
    name: 'an empty dataset',
    code: 'INVALID_ARGUMENT',
    message: [/empty|no samples|0 samples/i],
    run: () => fitWith(trainer(), tf.zeros([0, 2, 2]), tf.zeros([0], 'int32'), { epochs: 1, verbose: 0 }),
  },
  {
    name: 'batch size 0',
    code: 'INVALID_ARGUMENT',
    message: [/batchSize/, />= 1|positive/],
    run: () =>
      fitWith(trainer(), x4(), tf.tensor1d([0, 1], 'int32'), { epochs: 1, batchSize: 0, verbose: 0 }),
  },
  {
    name: 'epochs 0',
    code: 'INVALID_ARGUMENT',
    message: [/epochs/, />= 1/],
    run: () => fitWith(trainer(), x4(), tf.tensor1d([0, 1], 'int32'), { epochs: 0, verbose: 0 }),
  },
  {
    name: 'validationSplit of 1',
    code: 'INVALID_ARGUMENT',
    message: [/validationSplit/, /< 1|\(0, 1\)/],
    run: () =>
      fitWith(trainer(), x4(), tf.tensor1d([0, 1], 'int32'), { epochs: 1, validationSplit: 1, verbose: 0 }),
  },
  // --- hyperparameters
  {
    name: 'negative learning rate',
    code: 'INVALID_ARGUMENT',
    message: [/learningRate/, />= 0/, /-0\.1/],
    run: () => sgd({ learningRate: -0.1 }),
  },
  {
    name: 'momentum of 1',
    code: 'INVALID_ARGUMENT',
    message: [/momentum/, /< 1/],
    run: () => sgd({ momentum: 1 }),
  },
  {
    name: 'negative momentum',
    code: 'INVALID_ARGUMENT',
    message: [/momentum/, />= 0/],
    run: () => sgd({ momentum: -0.5 }),
  },
  { name: 'rho of 1', code: 'INVALID_ARGUMENT', message: [/rho/, /< 1/], run: () => rmsprop({ rho: 1 }) },
  { name: 'beta1 of 1', code: 'INVALID_ARGUMENT', message: [/beta1/, /< 1/], run: () => adam({ beta1: 1 }) },
  {
    name: 'epsilon of 0',
    code: 'INVALID_ARGUMENT',
    message: [/epsilon/, /> 0/],
    run: () => adam({ epsilon: 0 }),
  },
  {
    name: 'clipNorm of 0',
    code: 'INVALID_ARGUMENT',
    message: [/clipNorm/, /> 0/],
    run: () => sgd({ clipNorm: 0 }),
  },
  {
    name: 'clipNorm together with globalClipNorm',
    code: 'INVALID_ARGUMENT',
    message: [/clipNorm/, /globalClipNorm/],
    run: () => sgd({ clipNorm: 1, globalClipNorm: 1 }),
  },
  {
    name: 'dropout rate of 1',
    code: 'INVALID_ARGUMENT',
    message: [/rate/, /< 1|\[0, 1\)/],
    run: () => new Dropout({ rate: 1 }),
  },
  {
    name: 'batch-norm momentum of 1',
    code: 'INVALID_ARGUMENT',
    message: [/momentum/, /< 1|\[0, 1\)/],
    run: () => new BatchNormalization({ momentum: 1 }),
  },
  {
    name: 'negative batch-norm epsilon',
    code: 'INVALID_ARGUMENT',
    message: [/epsilon/, />= 0|> 0/],
    run: () => new BatchNormalization({ epsilon: -1e-3 }),
  },
  {
    name: 'exponential decay rate of 0',
    code: 'INVALID_ARGUMENT',
    message: [/decayRate/, /> 0/],
    run: () => exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0 }),
  },
  {
    name: 'piecewise values/boundaries length mismatch',
    code: 'INVALID_ARGUMENT',
    message: [/values/, /boundaries/],
    run: () => piecewiseConstant({ boundaries: [10, 20], values: [0.1, 0.01] }),
  },
  {
    name: 'variance scaling with scale 0',
    code: 'INVALID_ARGUMENT',
    message: [/scale/, /> 0/],
    run: () => varianceScaling({ scale: 0 }),
  },
  // --- names
  {
    name: 'unknown initializer name',
    code: 'UNKNOWN_NAME',
    message: [/he_norml/, /he_normal/],
    run: () => getInitializer('he_norml'),
  },
  {
    name: 'unknown activation name',
    code: 'UNKNOWN_NAME',
    message: [/relu6x/, /relu/],
    run: () => getActivation('relu6x'),
  },
  {
    name: 'unknown loss name',
    code: 'UNKNOWN_NAME',
    message: [/sparse_categorical_crossentropyy/, /sparse_categorical_crossentropy/],
    run: () => compile(model, { loss: 'sparse_categorical_crossentropyy' as never, optimizer: sgd() }),
  },
  {
    name: 'unknown backend',
    code: 'INVALID_ARGUMENT',
    message: [/backend/, /'wasm'/, /gpu/],
    run: () => useBackend('gpu' as never),
  },
  // --- lifecycle
  {
    name: 'a layer used before it is built',
    code: 'NOT_BUILT',
    message: [/dense_unbuilt/, /build/i],
    run: () => new Dense({ units: 2, name: 'dense_unbuilt' }).apply(tf.ones([1, 2])),
  },
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

describe('bad-input catalogue', () => {
  beforeAll(() => {
    registerGradients();
    model = smallModel();
    dir = mkdtempSync(join(tmpdir(), 'steadygrad-catalogue-'));
    writeFileSync(join(dir, 'keep.txt'), 'untouched');
  });
  afterAll(() => {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it("counts its cases for issue 20's model-file, setWeights and dataset-path items (4, 5, 6, 9)", () => {
    const byItem = new Map<number, number>();
    for (const c of cases)
      if (c.issue20 !== undefined) byItem.set(c.issue20, (byItem.get(c.issue20) ?? 0) + 1);
    for (const item of [4, 5, 6, 9])
      expect(byItem.get(item) ?? 0, `issue 20 item ${item}`).toBeGreaterThan(0);
    const list = [...byItem].sort(([a], [b]) => a - b).map(([i, n]) => `item ${i}: ${n}`);
    console.log(`bad-input catalogue: ${cases.length} cases; issue 20: ${list.join(', ')}`);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const before = snapshot();
      const tensorsBefore = tf.memory().numTensors;
      let error: unknown;
      tf.engine().startScope();
      try {
        await c.run();
      } catch (e) {
        error = e;
      } finally {
        tf.engine().endScope();
      }
      expect(error, 'expected a SteadygradError').toBeInstanceOf(SteadygradError);
      const e = error as SteadygradError;
      expect(e.code, e.message).toBe(c.code);
      for (const pattern of c.message) expect(e.message).toMatch(pattern);
      // the files written by the case itself are inputs, not changes; weights must be identical
      const after = JSON.parse(snapshot()) as { weights: string[] };
      expect(after.weights).toEqual((JSON.parse(before) as { weights: string[] }).weights);
      expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('untouched');
      expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore);
    });
  }

  it('a failed optimizer step leaves the optimizer state and weights untouched', () => {
    const opt = new Optimizer(sgd({ learningRate: 0.1, momentum: 0.9 }));
    const params = model.trainableParameters;
    const grads = Object.fromEntries(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    opt.step(params, grads);
    const state = opt.getState();
    const stateBefore = Object.fromEntries(
      Object.entries(state.tensors).map(([k, t]) => [k, Array.from(t.dataSync())]),
    );
    const weightsBefore = snapshot();
    const bad = { ...grads, [params[0]!.name]: tf.ones([7, 7]) };
    expect(() => opt.step(params, bad)).toThrow(SteadygradError);
    const after = opt.getState();
    expect(
      Object.fromEntries(Object.entries(after.tensors).map(([k, t]) => [k, Array.from(t.dataSync())])),
    ).toEqual(stateBefore);
    expect(snapshot()).toBe(weightsBefore);
    tf.dispose([...Object.values(grads), bad[params[0]!.name]!]);
    opt.dispose();
  });

  it('data sources reject out-of-range indices without partial batches', () => {
    const src = arraySource(new Uint8Array(8), [2, 2]);
    expect(() => src.batch([0, 2])).toThrow(/sample index 2 is outside \[0, 2\)/);
    expect(new RandomStream(1).permutation(3).length).toBe(3);
  });
});
