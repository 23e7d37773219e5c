// Issue 20, items 7 and 8 (the non-option parts): concurrent training of one model is refused, dispose during
// fit orphans nothing, use after dispose is a typed error, labels out of range are rejected before any
// update (trainOnBatch, evaluate, findLearningRate), an unwritable checkpoint folder fails before the first
// epoch, and absurd layer sizes are typed errors. Each rejected call changes nothing and leaks nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import { adam } from '@steadygrad/optim';
import { findLearningRate, type Trainer } from '@steadygrad/train';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectRejectedUnchanged,
  fitRun,
  stateSnapshot,
  threeClassData,
  threeClassModel,
  trainerFor,
} from './checkpoint-fixture.js';

let x: Tensor;
let y: Tensor;
let root: string;
let model: Sequential;
let trainer: Trainer;

beforeAll(() => {
  registerGradients();
  ({ x, y } = threeClassData());
  root = mkdtempSync(join(tmpdir(), 'sg-lifetime-'));
});
afterAll(() => {
  tf.dispose([x, y]);
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  trainer?.dispose();
  model?.dispose();
});

async function trained(): Promise<void> {
  model = threeClassModel();
  trainer = trainerFor(model);
  await fitRun(trainer, x, y, { epochs: 1 });
}

async function rejection(p: unknown): Promise<SteadygradError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SteadygradError);
    return e as SteadygradError;
  }
  throw new Error('expected a rejection');
}

describe('concurrency and lifetime (item 7)', () => {
  it('a second trainer fitting the same model during a fit is BUSY, and the running fit is unaffected', async () => {
    await trained();
    const reference = threeClassModel();
    const refTrainer = trainerFor(reference);
    await fitRun(refTrainer, x, y, { epochs: 1 });
    await fitRun(refTrainer, x, y, { epochs: 2 });
    const other = trainerFor(model, adam({ learningRate: 0.5 }));
    const running = fitRun(trainer, x, y, { epochs: 2 });
    const before = stateSnapshot(trainer);
    const second = fitRun(other, x, y, { epochs: 2 });
    expect(stateSnapshot(trainer)).toBe(before); // refused synchronously, before any step
    const e = await rejection(second);
    expect(e.code).toBe('BUSY');
    expect(e.message).toMatch(/running fit/);
    await running;
    const weights = (m: Sequential) => m.parameters.map((p) => Array.from(p.variable.dataSync()));
    expect(weights(model)).toEqual(weights(reference)); // bit-identical to the run alone
    other.dispose();
    refTrainer.dispose();
    reference.dispose();
  });

  it('trainOnBatch during a fit is BUSY', async () => {
    await trained();
    const live = tf.memory().numTensors;
    const running = fitRun(trainer, x, y, { epochs: 2 });
    const e = await rejection(Promise.resolve().then(() => trainer.trainOnBatch(x, y)));
    expect(e.code).toBe('BUSY');
    await running;
    expect(tf.memory().numTensors).toBe(live); // the refused call left nothing behind
  });

  it('dispose() during fit ends the fit after its batch and orphans no tensor', async () => {
    await trained();
    trainer.dispose();
    model.dispose();
    const live = tf.memory().numTensors;
    model = threeClassModel();
    trainer = trainerFor(model);
    const t = trainer;
    const history = await fitRun(t, x, y, {
      epochs: 5,
      callbacks: [{ onBatchEnd: (step: number) => (step === 1 ? t.dispose() : undefined) }],
    });
    expect(history.epoch).toEqual([0]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(live);
    expect((await rejection(fitRun(t, x, y, { epochs: 1 }))).code).toBe('DISPOSED');
  });

  it('predict, evaluate, fit and trainOnBatch on a disposed trainer or model are DISPOSED', async () => {
    await trained();
    model.dispose();
    const live = tf.memory().numTensors;
    const calls: (() => unknown)[] = [
      () => trainer.predict(x),
      () => trainer.evaluate(x, y),
      () => fitRun(trainer, x, y, { epochs: 1 }),
      () => trainer.trainOnBatch(x, y),
    ];
    for (const call of calls) {
      const e = await rejection(Promise.resolve().then(call));
      expect(e.code).toBe('DISPOSED');
      expect(e.message).toMatch(/model was disposed/);
    }
    expect(tf.memory().numTensors).toBe(live);
    model = threeClassModel();
    trainer.dispose();
    trainer = trainerFor(model);
    trainer.dispose();
    expect((await rejection(Promise.resolve().then(() => trainer.predict(x)))).message).toMatch(
      /trainer was disposed/,
    );
  });
});

describe('silent acceptance (item 8)', () => {
  for (const bad of [7, -1]) {
    it(`trainOnBatch with label ${bad} for a 3-class model is OUT_OF_RANGE before the update`, async () => {
      await trained();
      const yb = tf.tensor1d([0, bad, 2, 1], 'int32');
      const xb = tf.slice(x, [0, 0], [4, 2]);
      const e = await expectRejectedUnchanged(
        trainer,
        undefined,
        () => trainer.trainOnBatch(xb, yb),
        'OUT_OF_RANGE',
      );
      expect(e.message).toMatch(/\[0, 3\)/);
      tf.dispose([xb, yb]);
    });
  }

  it('evaluate and fit with labels out of range are OUT_OF_RANGE', async () => {
    await trained();
    const yb = tf.tensor1d([0, 1, 2, 7, 0, 1, 2, 0, 1, 2, 0, 1], 'int32');
    await expectRejectedUnchanged(trainer, undefined, () => trainer.evaluate(x, yb), 'OUT_OF_RANGE');
    await expectRejectedUnchanged(
      trainer,
      undefined,
      () => fitRun(trainer, x, yb, { epochs: 1 }),
      'OUT_OF_RANGE',
    );
    yb.dispose();
  });

  it('findLearningRate with labels out of range is OUT_OF_RANGE, not a suggestion', async () => {
    await trained();
    const yb = tf.tensor1d([0, 1, 2, -1, 0, 1, 2, 0, 1, 2, 0, 1], 'int32');
    await expectRejectedUnchanged(
      trainer,
      undefined,
      () => findLearningRate(trainer, x, yb, { steps: 5, batchSize: 4 }),
      'OUT_OF_RANGE',
    );
    yb.dispose();
  });

  it('an unwritable checkpoint folder fails before the first epoch trains', async () => {
    await trained();
    writeFileSync(join(root, 'a-file'), 'x');
    const dir = join(root, 'a-file', 'checkpoints');
    const before = trainer.optimizer.iterations;
    const e = await expectRejectedUnchanged(
      trainer,
      root,
      () => fitRun(trainer, x, y, { epochs: 3, checkpoint: { dir } }),
      'IO_ERROR',
    );
    expect(e.message).toMatch(/checkpoint folder .* is not writable/);
    expect(trainer.optimizer.iterations).toBe(before);
  });

  it('Dense({ units: 1e9 }) is a typed error, not a RangeError', () => {
    let error: unknown;
    try {
      new Sequential([new Dense({ units: 1e9, inputShape: [2] })]).build();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SteadygradError);
    expect((error as SteadygradError).code).toBe('OUT_OF_RANGE');
  });
});
