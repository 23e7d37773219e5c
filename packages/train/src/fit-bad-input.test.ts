// fit, evaluate and predict on bad input: typed errors, nothing changed, no leaks.
import { registerGradients, type SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { sgd } from '@steadygrad/optim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobs } from './test-utils/blobs.js';
import { PlainSgd } from './test-utils/plain-sgd.js';
import { errorOf, mlp } from './test-utils/trainer-fixtures.js';
import { compile } from './trainer.js';

const data = blobs(96, 3, 42);
const valid = blobs(30, 3, 43);

beforeAll(() => {
  registerGradients();
});

afterAll(() => {
  tf.dispose([data.x, data.y, valid.x, valid.y]);
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
