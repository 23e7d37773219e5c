import {
  arraySource,
  type Constraint,
  isSteadygradError,
  type Regularizer,
  registerGradients,
  type SteadygradError,
  type Tensor,
  tf,
} from '@steadygrad/core';
import { type CallContext, Dense, type DenseOptions, Layer, Sequential } from '@steadygrad/nn';
import { Optimizer, sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BatchLogs, Callback, Logs } from './callbacks.js';
import { binaryCrossentropy } from './losses.js';
import { expectSameAcrossBatchSizes } from './test-utils/batch-invariance.js';
import { blobs } from './test-utils/blobs.js';
import { PlainSgd } from './test-utils/plain-sgd.js';
import { compile, type Trainer } from './trainer.js';

function mlp(seed = 1, options: { hidden?: Partial<DenseOptions> } = {}): Sequential {
  return new Sequential(
    [
      new Dense({ units: 8, activation: 'relu', inputShape: [2], ...options.hidden }),
      new Dense({ units: 3, activation: 'softmax' }),
    ],
    { seed },
  );
}

function weightsOf(model: Sequential): number[][] {
  return model.parameters.map((p) => Array.from(p.variable.dataSync()));
}

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<SteadygradError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (isSteadygradError(e)) return e;
    throw e;
  }
  throw new Error('expected a SteadygradError');
}

/** Multiplicative Gaussian noise in training (like GaussianDropout): draws from the stream `fit` passes. */
class NoiseLayer extends Layer {
  readonly className = 'NoiseLayer';
  draws = 0;
  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training) return tf.clone(x);
    if (ctx.rng === undefined) throw new Error('fit must pass a random stream to layers');
    this.draws++;
    const noise = ctx.rng.fillNormal(x.size, 1, 0.3);
    return tf.tidy(() => tf.mul(x, tf.tensor(noise, x.shape)));
  }
}

const data = blobs(96, 3, 42);
const valid = blobs(30, 3, 43);

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  tf.dispose([data.x, data.y, valid.x, valid.y]);
});

describe('fit', () => {
  it('learns a separable 3-class problem and leaves no tensors behind', async () => {
    const model = mlp();
    model.build();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
      metrics: ['accuracy'],
    });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 }); // creates optimizer state
    const before = tf.memory().numTensors;
    const history = await trainer.fit(data.x, data.y, {
      epochs: 20,
      batchSize: 16,
      validationData: [valid.x, valid.y],
      verbose: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.epoch).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Object.keys(history.history).sort()).toEqual([
      'accuracy',
      'loss',
      'lr',
      'val_accuracy',
      'val_loss',
    ]);
    expect(history.history.lr!.every((lr) => Math.abs(lr - 0.1) < 1e-12)).toBe(true);
    expect(history.history.loss![19]!).toBeLessThan(history.history.loss![0]! / 3);
    expect(history.history.accuracy![19]!).toBeGreaterThanOrEqual(0.95);
    expect(history.history.val_accuracy![19]!).toBeGreaterThanOrEqual(0.95);
    expect(trainer.history).toBe(history);

    const beforeEval = tf.memory().numTensors;
    const result = await trainer.evaluate(valid.x, valid.y, { batchSize: 7 });
    expect(tf.memory().numTensors).toBe(beforeEval);
    expect(Object.keys(result).sort()).toEqual(['accuracy', 'loss']);
    // Validation logs are computed by the same routine as evaluate: equal up to batch grouping (7 vs 16).
    expect(result.loss).toBeCloseTo(history.history.val_loss![19]!, 5);
    expect(result.accuracy).toBe(history.history.val_accuracy![19]);

    const beforePredict = tf.memory().numTensors;
    const probs = trainer.predict(valid.x, { batchSize: 7 });
    expect(probs.shape).toEqual([30, 3]);
    const whole = model.apply(valid.x);
    expectSameAcrossBatchSizes(probs.dataSync(), whole.dataSync());
    tf.dispose([probs, whole]);
    expect(tf.memory().numTensors).toBe(beforePredict);
    model.dispose();
  });

  it('is bit-for-bit reproducible for a given seed on the cpu backend (shuffling and layer randomness)', async () => {
    const run = async (seed: number): Promise<number[][]> => {
      const noise = new NoiseLayer();
      const model = new Sequential(
        [
          new Dense({ units: 8, activation: 'relu', inputShape: [2] }),
          noise,
          new Dense({ units: 3, activation: 'softmax' }),
        ],
        { seed: 3 },
      );
      const trainer = compile(model, {
        loss: 'sparse_categorical_crossentropy',
        optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
      });
      await trainer.fit(data.x, data.y, { epochs: 3, batchSize: 10, seed, verbose: 0 });
      expect(noise.draws).toBe(30);
      const w = weightsOf(model);
      model.dispose();
      return w;
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('resuming at initialEpoch replays the same epochs as an uninterrupted run', async () => {
    const make = () => mlp(8);
    const full = make();
    const fullTrainer = compile(full, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    await fullTrainer.fit(data.x, data.y, { epochs: 3, batchSize: 10, seed: 5, verbose: 0 });
    const resumed = make();
    const t = compile(resumed, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    await t.fit(data.x, data.y, { epochs: 1, batchSize: 10, seed: 5, verbose: 0 });
    const h = await t.fit(data.x, data.y, { epochs: 3, initialEpoch: 1, batchSize: 10, seed: 5, verbose: 0 });
    expect(h.epoch).toEqual([1, 2]);
    expect(weightsOf(resumed)).toEqual(weightsOf(full)); // plain SGD has no state to carry over
    full.dispose();
    resumed.dispose();
  });

  it('reads nothing back from the device per step (one read per epoch without batch-log readers)', async () => {
    const model = mlp();
    model.build();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: new PlainSgd(0.1),
      metrics: ['accuracy'],
    });
    const x = arraySource(data.xValues, [2]);
    const y = arraySource(data.yValues, [], { dtype: 'int32' });
    const proto = tf.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
    const syncSpy = vi.spyOn(proto, 'dataSync' as never);
    const asyncSpy = vi.spyOn(proto, 'data' as never);
    const arraySpy = vi.spyOn(proto, 'arraySync' as never);
    try {
      const counter: Callback = { onBatchEnd: () => {} }; // listens, but reads no metric
      await trainer.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [counter] }); // 36 steps
      expect(syncSpy.mock.calls.length + arraySpy.mock.calls.length).toBe(0);
      expect(asyncSpy.mock.calls.length).toBe(3); // one read of the accumulated sums per epoch
    } finally {
      vi.restoreAllMocks();
    }
    model.dispose();
  });

  it('history loss and metrics equal what evaluate reports for the same data and weights', async () => {
    const model = mlp(5);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0 }),
      metrics: ['accuracy'],
    });
    const history = await trainer.fit(data.x, data.y, {
      epochs: 1,
      batchSize: 16,
      shuffle: false,
      verbose: 0,
    });
    const evaluated = await trainer.evaluate(data.x, data.y, { batchSize: 16 });
    expect(history.history.loss![0]).toBe(evaluated.loss);
    expect(history.history.accuracy![0]).toBe(evaluated.accuracy);
    model.dispose();
  });

  it('validationSplit takes the LAST fraction before shuffling, as Keras does', async () => {
    const model = mlp(2);
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
    });
    const seen = new Set<number>();
    const base = arraySource(data.xValues, [2]);
    const spy = {
      ...base,
      batch(indices: ArrayLike<number>): Tensor {
        for (let i = 0; i < indices.length; i++) seen.add(indices[i]!);
        return base.batch(indices);
      },
    };
    let samples = 0;
    const history = await trainer.fit(spy, data.y, {
      epochs: 2,
      batchSize: 10,
      validationSplit: 0.25, // 96 · 0.75 = 72 training samples, the last 24 validate
      verbose: 0,
      callbacks: [
        {
          setParams: (p) => {
            samples = p.samples;
          },
        },
      ],
    });
    expect(samples).toBe(72);
    expect(Math.max(...seen)).toBe(95); // the validation pass reads the tail
    const tailX = tf.slice(data.x, [72, 0], [24, 2]);
    const tailY = tf.slice(data.y, [72], [24]);
    const evaluated = await trainer.evaluate(tailX, tailY, { batchSize: 10 });
    expect(history.history.val_loss![1]).toBe(evaluated.loss);
    tf.dispose([tailX, tailY]);
    model.dispose();
  });

  it('calls callbacks in Keras order with the right epochs, honours initialEpoch, and gives lazy batch logs', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
      metrics: ['accuracy'],
    });
    const events: string[] = [];
    let lastBatchLoss = Number.NaN;
    let seenTrainer: Trainer | undefined;
    const cb: Callback<Trainer> = {
      setTrainer: (t) => {
        seenTrainer = t;
      },
      onTrainBegin: () => void events.push('trainBegin'),
      onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
      onBatchBegin: (b, logs) => void events.push(`batchBegin ${b} (${logs.size})`),
      onBatchEnd: (b, logs: BatchLogs) => {
        events.push(`batchEnd ${b}`);
        lastBatchLoss = logs.loss!;
        expect(Object.keys(logs)).toEqual(['batch', 'size', 'loss', 'accuracy']);
      },
      onEpochEnd: (e, logs: Logs) => void events.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
      onTrainEnd: async () => {
        await new Promise((r) => setTimeout(r, 1));
        events.push('trainEnd');
      },
    };
    const history = await trainer.fit(data.x, data.y, {
      epochs: 3,
      initialEpoch: 1,
      batchSize: 40, // 96 samples: batches of 40, 40, 16
      verbose: 0,
      callbacks: [cb],
    });
    expect(seenTrainer).toBe(trainer);
    const epochEvents = (e: number) => [
      `epochBegin ${e}`,
      'batchBegin 0 (40)',
      'batchEnd 0',
      'batchBegin 1 (40)',
      'batchEnd 1',
      'batchBegin 2 (16)',
      'batchEnd 2',
      `epochEnd ${e} loss,accuracy,lr`,
    ];
    expect(events).toEqual(['trainBegin', ...epochEvents(1), ...epochEvents(2), 'trainEnd']);
    expect(history.epoch).toEqual([1, 2]);
    // batch logs are running means over the epoch: after the last batch they equal the epoch's loss
    expect(lastBatchLoss).toBe(history.history.loss![1]);
    model.dispose();
  });

  it('stops when a callback sets trainer.stopTraining (after the batch, and after the epoch)', async () => {
    const model = mlp();
    const opt = new PlainSgd(0.05);
    const trainer = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: opt });
    const history = await trainer.fit(data.x, data.y, {
      epochs: 5,
      batchSize: 16,
      verbose: 0,
      callbacks: [
        {
          onBatchEnd: (b) => {
            if (b === 1) trainer.stopTraining = true;
          },
        },
      ],
    });
    expect(opt.iterations).toBe(2);
    expect(history.epoch).toEqual([0]); // the interrupted epoch still ends (Keras)
    const opt2 = new PlainSgd(0.05);
    const trainer2 = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: opt2 });
    const h2 = await trainer2.fit(data.x, data.y, {
      epochs: 5,
      batchSize: 16,
      verbose: 0,
      callbacks: [
        {
          onEpochEnd: (e) => {
            if (e === 1) trainer2.stopTraining = true;
          },
        },
      ],
    });
    expect(h2.epoch).toEqual([0, 1]);
    expect(opt2.iterations).toBe(12);
    // a new fit resets the flag
    const h3 = await trainer2.fit(data.x, data.y, { epochs: 1, batchSize: 96, verbose: 0 });
    expect(h3.epoch).toEqual([0]);
    model.dispose();
  });

  it('adds weight and activity penalties to the loss and reports regularization_loss', async () => {
    const l2: Regularizer = {
      name: 'l2',
      config: { l2: 0.01 },
      penalty: (w) => tf.mul(0.01, tf.sum(tf.square(w))),
    };
    const act: Regularizer = {
      name: 'l1',
      config: { l1: 0.001 },
      penalty: (a) => tf.mul(0.001, tf.sum(tf.abs(a))),
    };
    const model = mlp(4, { hidden: { kernelRegularizer: l2, activityRegularizer: act } });
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0 }),
    });
    const history = await trainer.fit(data.x, data.y, {
      epochs: 1,
      batchSize: 32,
      shuffle: false,
      verbose: 0,
    });
    expect(history.history.regularization_loss).toHaveLength(1);
    const result = await trainer.evaluate(data.x, data.y, { batchSize: 32 });
    // closed form: 0.01·Σ W² + mean over batches of 0.001·Σ|relu(xW + b)| (per-batch sums, batch-size weighted)
    const expected = tf.tidy(() => {
      const kernel = model.layers[0]!.parameters[0]!.variable;
      const bias = model.layers[0]!.parameters[1]!.variable;
      const weightPenalty = tf.mul(0.01, tf.sum(tf.square(kernel)));
      const h = tf.relu(tf.add(tf.matMul(data.x, kernel), bias));
      const perBatch = [0, 32, 64].map((s) => tf.mul(0.001, tf.sum(tf.abs(tf.slice(h, [s, 0], [32, 8])))));
      return tf.add(weightPenalty, tf.mean(tf.stack(perBatch))).dataSync()[0]!;
    });
    expect(result.regularization_loss).toBeCloseTo(expected, 5);
    expect(history.history.regularization_loss![0]).toBeCloseTo(expected, 5);
    expect(history.history.loss![0]).toBe(result.loss); // loss includes the penalties (Keras)
    model.dispose();
  });

  it('reads the trainable parameters every step (freezing needs no recompile) and applies constraints', async () => {
    const nonNeg: Constraint = { name: 'non_neg', config: {}, apply: (w) => tf.relu(w) };
    const model = mlp(6, { hidden: { kernelConstraint: nonNeg } });
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.1 }),
    });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 });
    const kernel = model.layers[0]!.parameters[0]!;
    expect(Math.min(...kernel.variable.dataSync())).toBeGreaterThanOrEqual(0);
    model.layers[0]!.trainable = false;
    const frozen = weightsOf(model);
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 16, verbose: 0 });
    const after = weightsOf(model);
    expect(after[0]).toEqual(frozen[0]);
    expect(after[1]).toEqual(frozen[1]);
    expect(after[2]).not.toEqual(frozen[2]);
    model.dispose();
  });

  it('trains from uint8 BatchSources and from a binary logits model with threshold-0 accuracy', async () => {
    const n = 64;
    const pixels = new Uint8Array(n * 4);
    const labels = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const on = i % 2;
      labels[i] = on;
      for (let j = 0; j < 4; j++) pixels[i * 4 + j] = on ? 200 + j : 20 + j;
    }
    const model = new Sequential([new Dense({ units: 1, inputShape: [4] })], { seed: 0 });
    const trainer = compile(model, {
      loss: binaryCrossentropy({ fromLogits: true }),
      optimizer: sgd({ learningRate: 0.5 }),
      metrics: ['accuracy'],
    });
    const before = tf.memory().numTensors;
    const h = await trainer.fit(arraySource(pixels, [4], { scale: 1 / 255 }), arraySource(labels, []), {
      epochs: 15,
      batchSize: 16,
      verbose: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(h.history.accuracy![14]).toBe(1);
    model.dispose();
  });

  it('writes a progress display when verbose is 1 or 2, a line per epoch with auto off a TTY, nothing with 0', async () => {
    const model = mlp();
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05 }),
      metrics: ['accuracy'],
    });
    const chunks: string[] = [];
    const stream = { isTTY: true, columns: 120, write: (c: string) => chunks.push(c) };
    await trainer.fit(data.x, data.y, { epochs: 2, batchSize: 32, verbose: 1, progressStream: stream });
    const text = chunks.join('');
    expect(text).toContain('Epoch 1/2\n');
    expect(text).toContain('Epoch 2/2\n');
    expect(text).toMatch(/3\/3 - \S+ \S+\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4} - lr: 0\.0500\n/);
    chunks.length = 0;
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 2, progressStream: stream });
    expect(chunks.join('')).toMatch(/^Epoch 1\/1 - 3\/3 - .* - loss: /);
    chunks.length = 0;
    // 'auto' follows the output: a live bar on a terminal, one line per epoch on a pipe or file (Keras)
    for (const isTTY of [true, false]) {
      chunks.length = 0;
      const out = { isTTY, columns: 120, write: (c: string) => chunks.push(c) };
      await trainer.fit(data.x, data.y, { epochs: 2, batchSize: 32, verbose: 'auto', progressStream: out });
      const lines = chunks
        .join('')
        .split('\n')
        .filter((l) => l.length > 0);
      if (isTTY) expect(lines).toContain('Epoch 1/2');
      else {
        expect(lines).toHaveLength(2);
        expect(lines[0]).toMatch(/^Epoch 1\/2 - 3\/3 - .* - loss: \d\.\d{4} - accuracy: \d\.\d{4}/);
        expect(lines[1]).toMatch(/^Epoch 2\/2 - 3\/3 - /);
      }
    }
    chunks.length = 0;
    const quiet = { isTTY: false, write: (c: string) => chunks.push(c) };
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 0, progressStream: quiet });
    expect(chunks).toEqual([]);
    model.dispose();
  });

  it('dispose frees the optimizer state it created', async () => {
    const model = mlp();
    model.build();
    const before = tf.memory().numTensors;
    const trainer = compile(model, {
      loss: 'sparse_categorical_crossentropy',
      optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }),
    });
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 0 });
    expect(tf.memory().numTensors).toBe(before + 4); // one momentum slot per parameter
    trainer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('accepts an Optimizer instance as well as a gradient transformation', async () => {
    const model = mlp();
    const opt = new Optimizer(sgd({ learningRate: 0.05 }));
    const trainer = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: opt });
    expect(trainer.optimizer).toBe(opt);
    await trainer.fit(data.x, data.y, { epochs: 1, batchSize: 32, verbose: 0 });
    expect(opt.iterations).toBe(3);
    trainer.dispose(); // leaves a caller-owned optimizer alone
    expect(opt.iterations).toBe(3);
    opt.dispose();
    model.dispose();
  });
});

describe('bad input', () => {
  const model = mlp();
  const trainer = compile(model, {
    loss: 'sparse_categorical_crossentropy',
    optimizer: sgd({ learningRate: 0.01 }),
  });
  afterAll(() => model.dispose());

  it('x/y sample counts differ', async () => {
    const y = tf.slice(data.y, [0], [90]);
    const e = await errorOf(trainer.fit(data.x, y, { verbose: 0 }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe('x and y must hold the same number of samples, got 96 inputs and 90 targets');
    y.dispose();
  });

  it('labels out of range for the model output', async () => {
    const y = tf.tensor1d([0, 1, 3, 2], 'int32');
    const x = tf.zeros([4, 2]);
    const e = await errorOf(trainer.fit(x, y, { verbose: 0 }));
    expect(e.code).toBe('OUT_OF_RANGE');
    expect(e.message).toMatch(
      /labels must be integers in \[0, 3\) for a model with 3 outputs, got labels from 0 to 3/,
    );
    const ev = await errorOf(trainer.evaluate(x, y));
    expect(ev.code).toBe('OUT_OF_RANGE');
    tf.dispose([x, y]);
  });

  it('NaN in inputs', async () => {
    const x = tf.tensor2d([
      [0, 1],
      [Number.NaN, 1],
    ]);
    const y = tf.tensor1d([0, 1], 'int32');
    const e = await errorOf(trainer.fit(x, y, { verbose: 0 }));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toMatch(
      /^x contains NaN or infinite values in 1 sample\(s\) \(the first is sample 1\)/,
    );
    tf.dispose([x, y]);
  });

  it('empty dataset, bad batch sizes, epochs, validationSplit and verbose', async () => {
    const x0 = tf.zeros([0, 2]);
    const y0 = tf.zeros([0], 'int32');
    expect((await errorOf(trainer.fit(x0, y0, { verbose: 0 }))).message).toBe(
      'x is empty: expected at least one sample',
    );
    expect((await errorOf(() => trainer.predict(x0))).message).toBe(
      'x is empty: expected at least one sample',
    );
    tf.dispose([x0, y0]);
    expect((await errorOf(trainer.fit(data.x, data.y, { batchSize: 0 }))).message).toBe(
      'batchSize must be an integer >= 1, got 0',
    );
    expect((await errorOf(trainer.fit(data.x, data.y, { batchSize: 2.5 }))).message).toBe(
      'batchSize must be an integer >= 1, got 2.5',
    );
    expect((await errorOf(trainer.evaluate(data.x, data.y, { batchSize: -1 }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await errorOf(trainer.fit(data.x, data.y, { epochs: 0 }))).message).toBe(
      'epochs must be an integer >= 1, got 0',
    );
    for (const split of [0, 1, 1.5, -0.1]) {
      expect((await errorOf(trainer.fit(data.x, data.y, { validationSplit: split }))).message).toBe(
        `validationSplit must be a finite number > 0 < 1, got ${split}`,
      );
    }
    expect(
      (
        await errorOf(
          trainer.fit(data.x, data.y, { validationSplit: 0.1, validationData: [valid.x, valid.y] }),
        )
      ).message,
    ).toMatch(/either validationData or validationSplit/);
    expect((await errorOf(trainer.fit(data.x, data.y, { verbose: 3 as never }))).message).toMatch(
      /verbose must be 0, 1, 2 or 'auto'/,
    );
    expect((await errorOf(trainer.fit(data.x, data.y, { epochs: 2, initialEpoch: 2 }))).message).toMatch(
      /initialEpoch \(2\) must be less than epochs \(2\)/,
    );
  });

  it('a second fit while one is running is refused', async () => {
    const t = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: new PlainSgd(0) });
    const first = t.fit(data.x, data.y, {
      verbose: 0,
      callbacks: [{ onEpochBegin: () => new Promise<void>((r) => setTimeout(r, 20)) }],
    });
    const e = await errorOf(t.fit(data.x, data.y, { verbose: 0 }));
    expect(e.message).toMatch(/fit is already running on this trainer/);
    await first;
    const h = await t.fit(data.x, data.y, { verbose: 0 });
    expect(h.epoch).toEqual([0]);
  });

  it('a batch larger than the data is one smaller batch', async () => {
    const opt = new PlainSgd(0.01);
    const t = compile(model, { loss: 'sparse_categorical_crossentropy', optimizer: opt });
    let steps = 0;
    await t.fit(data.x, data.y, {
      batchSize: 1000,
      verbose: 0,
      callbacks: [
        {
          setParams: (p) => {
            steps = p.steps;
          },
        },
      ],
    });
    expect(steps).toBe(1);
    expect(opt.iterations).toBe(1);
  });

  it('unknown loss and metric names list the valid ones', () => {
    const loss = (() => {
      try {
        // @ts-expect-error: not a name the type admits
        compile(model, { loss: 'categorical_cross_entropy', optimizer: sgd({ learningRate: 0.01 }) });
      } catch (e) {
        return e as SteadygradError;
      }
    })();
    expect(loss?.code).toBe('UNKNOWN_NAME');
    expect(loss?.message).toMatch(
      /^unknown loss "categorical_cross_entropy"\. Did you mean 'categorical_crossentropy'\? Valid names: 'sparse_categorical_crossentropy', 'categorical_crossentropy'/,
    );
    expect(() =>
      // @ts-expect-error: not a name the type admits
      compile(model, { loss: 'mse', optimizer: sgd({ learningRate: 0.01 }), metrics: ['f1'] }),
    ).toThrow(/unknown metric "f1"\. Valid names: 'accuracy'/);
    // tfjs-layers' camelCase spellings are the same names
    const camel = compile(model, {
      loss: 'sparseCategoricalCrossentropy',
      optimizer: sgd({ learningRate: 0.01 }),
      metrics: ['sparseCategoricalAccuracy', 'meanAbsoluteError'],
    });
    camel.dispose();
    expect(() => compile(model, { loss: 'mse', optimizer: {} as never })).toThrow(
      /optimizer must be a gradient transformation/,
    );
  });

  it('a wrong input shape surfaces the layer error naming the layer', async () => {
    const x = tf.zeros([4, 5]);
    const y = tf.zeros([4], 'int32');
    const e = await errorOf(trainer.fit(x, y, { verbose: 0 }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(new RegExp(`layer '${model.layers[0]!.name}' \\(Dense\\) expects input shape`));
    tf.dispose([x, y]);
  });

  it('a loss that does not return a scalar is a clear error, without leaks', async () => {
    const before = tf.memory().numTensors;
    const t = compile(model, {
      loss: (a: Tensor, b: Tensor) => tf.sub(tf.oneHot(a, 3), b) as never,
      optimizer: new PlainSgd(0),
    });
    const e = await errorOf(t.fit(data.x, data.y, { verbose: 0 }));
    expect(e.message).toBe('the loss must return a scalar, got shape [32,3]');
    const e2 = await errorOf(t.evaluate(data.x, data.y));
    expect(e2.code).toBe('SHAPE_MISMATCH');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('errors leave no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const x = tf.zeros([4, 5]);
    const y = tf.zeros([4], 'int32');
    await errorOf(trainer.fit(x, y, { verbose: 0 }));
    await errorOf(trainer.evaluate(x, y));
    await errorOf(() => trainer.predict(x));
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
