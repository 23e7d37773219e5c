// fit: validation split, callbacks and their order, stopTraining, the progress display.
import { arraySource, registerGradients, type Tensor, tf } from '@steadygrad/core';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchLogs, Callback, Logs } from './callbacks.js';
import { blobs } from './test-utils/blobs.js';
import { PlainSgd } from './test-utils/plain-sgd.js';
import { mlp } from './test-utils/trainer-fixtures.js';
import { compile, type Trainer } from './trainer.js';

const data = blobs(96, 3, 42);
const valid = blobs(30, 3, 43);

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  tf.dispose([data.x, data.y, valid.x, valid.y]);
});

describe('fit', () => {
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
});
