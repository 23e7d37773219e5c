// Issue 12: the bad-input catalogue. One table, across the packages: every case asserts the error class, its
// code, a message naming the offending thing and what was expected, and that nothing changed (weights,
// optimizer state, files on disk).
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
import { encodeIdx, readIdx } from '@steadygrad/datasets';
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
];

describe('bad-input catalogue', () => {
  beforeAll(() => {
    registerGradients();
    model = smallModel();
    dir = mkdtempSync(join(tmpdir(), 'steadygrad-catalogue-'));
    writeFileSync(join(dir, 'keep.txt'), 'untouched');
  });
  afterAll(() => model.dispose());

  it('has at least 25 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
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
