// Issue 20, items 1 and 2: a resume validates everything — the optimizer that wrote the checkpoint (its
// transforms and hyperparameters), the model's structure, the metadata's types and ranges, the callbacks'
// states — before anything changes. Every rejected resume leaves weights, optimizer state, files and the
// number of live tensors exactly as they were; `loadCheckpointWeights` is the way to keep only the weights.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, type Tensor, tf } from '@steadygrad/core';
import { Dense, Sequential } from '@steadygrad/nn';
import {
  adam,
  chain,
  nadam,
  Optimizer,
  rmsprop,
  scaleByLearningRate,
  scaleByRms,
  sgd,
} from '@steadygrad/optim';
import { earlyStopping, loadCheckpointWeights, readCheckpoint, type Trainer } from '@steadygrad/train';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectRejectedUnchanged,
  fitRun,
  rewriteMeta,
  threeClassData,
  threeClassModel,
  trainerFor,
} from './checkpoint-fixture.js';

let x: Tensor;
let y: Tensor;
let root: string;
/** Written once: an adam run with early stopping, checkpointed at the end of epoch 1 and mid-epoch 2. */
let source: string;
const open: { model: Sequential; trainer: Trainer }[] = [];

beforeAll(async () => {
  registerGradients();
  ({ x, y } = threeClassData());
  root = mkdtempSync(join(tmpdir(), 'sg-ckpt-state-'));
  source = join(root, 'source');
  const m = threeClassModel();
  const t = trainerFor(m);
  await fitRun(t, x, y, {
    epochs: 2,
    checkpoint: { dir: source, every: 5 }, // 3 steps per epoch: step 5 is epoch 1, step 2
    callbacks: [earlyStopping({ monitor: 'loss', patience: 5, restoreBestWeights: true })],
  });
  t.dispose();
  m.dispose();
  // Generations: 1 = end of epoch 0, 2 = epoch 1 step 2, 3 = end of epoch 1 (kept: 2 and 3). Resume mid-epoch.
  writeFileSync(join(source, 'latest'), 'ckpt-00000002\n');
  expect((await readCheckpoint(source)).meta).toMatchObject({ position: { epoch: 1, step: 2 } });
});
afterAll(() => {
  tf.dispose([x, y]);
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  for (const o of open.splice(0)) {
    o.trainer.dispose();
    o.model.dispose();
  }
});

let n = 0;
/** A fresh copy of the checkpoint folder and a target trainer that has trained (it holds optimizer state). */
async function target(optimizer = adam({ learningRate: 0.01 }), model = threeClassModel(99)) {
  const dir = join(root, `copy-${n++}`);
  cpSync(source, dir, { recursive: true });
  const trainer = trainerFor(model, optimizer);
  await fitRun(trainer, x, y, { epochs: 1, seed: 4 });
  open.push({ model, trainer });
  return { dir, trainer, model };
}

const stopper = () => earlyStopping({ monitor: 'loss', patience: 5, restoreBestWeights: true });
const resume = (t: Trainer, dir: string, epochs = 3) =>
  fitRun(t, x, y, { epochs, resumeFrom: dir, callbacks: [stopper()] });

describe('resuming with another optimizer or model is INCOMPATIBLE before anything changes (item 1)', () => {
  it('the same optimizer resumes (the fixture works)', async () => {
    const { dir, trainer } = await target();
    await resume(trainer, dir);
    expect(trainer.history?.epoch).toEqual([0, 1, 2]);
  });

  for (const [name, make] of [
    ['nadam()', () => nadam({ learningRate: 0.01 })],
    ['rmsprop()', () => rmsprop({ learningRate: 0.01 })],
    ['adam() with an added clipNorm', () => adam({ learningRate: 0.01, clipNorm: 1 })],
    ['adam() with another learning rate', () => adam({ learningRate: 0.5 })],
    ['sgd with momentum', () => sgd({ learningRate: 0.01, momentum: 0.9 })],
  ] as const) {
    it(`a run saved with adam() resumed with ${name}`, async () => {
      const { dir, trainer } = await target(make());
      const e = await expectRejectedUnchanged(trainer, dir, () => resume(trainer, dir), 'INCOMPATIBLE');
      expect(e.message).toMatch(/written by the optimizer adam\(/);
      expect(e.message).toMatch(/loadCheckpointWeights/);
    });
  }

  it('a checkpoint without an optimizer descriptor (older version) is still checked by the state structure', async () => {
    const { dir, trainer } = await target(rmsprop({ learningRate: 0.01 }));
    rewriteMeta(dir, (m) => {
      delete m.optimizerDescriptor;
    });
    const e = await expectRejectedUnchanged(trainer, dir, () => resume(trainer, dir), 'INCOMPATIBLE');
    expect(e.message).toMatch(/does not fit this optimizer/);
  });

  it('a hand-built chain whose state has another structure', async () => {
    const { dir, trainer } = await target(chain(scaleByRms(), scaleByLearningRate(0.01)));
    await expectRejectedUnchanged(trainer, dir, () => resume(trainer, dir), 'INCOMPATIBLE');
  });

  it('another model (other layer names, other shapes)', async () => {
    const other = new Sequential(
      [
        new Dense({ units: 5, activation: 'relu', inputShape: [2], name: 'h' }),
        new Dense({ units: 3, name: 'o' }),
      ],
      { seed: 1 },
    );
    other.build();
    const { dir, trainer } = await target(adam({ learningRate: 0.01 }), other);
    const e = await expectRejectedUnchanged(trainer, dir, () => resume(trainer, dir), 'INCOMPATIBLE');
    expect(e.message).toMatch(/layers|parameters/);
  });

  it("the checkpoint records the optimizer that wrote it (transforms, hyperparameters) and the model's layers", async () => {
    const meta = (await readCheckpoint(source)).meta as Record<string, unknown>;
    const optimizer = new Optimizer(adam({ learningRate: 0.01 }));
    expect(meta.optimizerDescriptor).toEqual(optimizer.describe());
    expect(meta.optimizerDescriptor).toMatchObject({ name: 'adam', config: { learningRate: 0.01 } });
    expect(meta.model).toEqual({
      layers: [
        { className: 'Dense', name: 'hidden' },
        { className: 'Dense', name: 'out' },
      ],
    });
    optimizer.dispose();
  });

  it("Optimizer.setState with another optimizer's state is INCOMPATIBLE and changes nothing", async () => {
    const saved = await target();
    const state = saved.trainer.optimizer.getState!();
    for (const make of [
      () => rmsprop({ learningRate: 0.01 }),
      () => adam({ learningRate: 0.01, clipNorm: 1 }),
    ]) {
      const { trainer } = await target(make());
      const e = await expectRejectedUnchanged(
        trainer,
        undefined,
        () => trainer.optimizer.setState!(state),
        'INCOMPATIBLE',
      );
      expect(e.message).toMatch(/does not fit this optimizer/);
    }
    tf.dispose(Object.values(state.tensors));
  });

  it('loadCheckpointWeights keeps the weights only, all or nothing', async () => {
    const { dir, trainer, model } = await target(nadam());
    const info = await loadCheckpointWeights(dir, model);
    const file = await readCheckpoint(dir);
    for (const p of model.parameters) {
      expect(Array.from(p.variable.dataSync())).toEqual(
        Array.from(file.tensors.get(`param/${p.name}`)!.data),
      );
    }
    expect(info.position).toEqual({ epoch: 1, step: 2 });
    await fitRun(trainer, x, y, { epochs: 1 }); // a new run from those weights trains
    const other = new Sequential([new Dense({ units: 4, inputShape: [2], name: 'hidden' })], { seed: 1 });
    other.build();
    open.push({ model: other, trainer: trainerFor(other) });
    await expectRejectedUnchanged(
      open.at(-1)!.trainer,
      dir,
      () => loadCheckpointWeights(dir, other),
      'INCOMPATIBLE',
    );
  });
});

describe('well-formed, correctly hashed but wrong metadata is rejected before any change (item 2)', () => {
  const cases: [string, (m: Record<string, unknown>) => unknown, string, RegExp][] = [
    [
      'history values of the wrong type',
      (m) => {
        (m.history as { history: Record<string, unknown[]> }).history.loss = ['low'];
      },
      'CORRUPT_DATA',
      /history 'loss'/,
    ],
    [
      'an EarlyStopping best that is a string',
      (m) => {
        (m.callbacks as { meta: Record<string, unknown> }[])[0]!.meta.best = 'great';
      },
      'CORRUPT_DATA',
      /EarlyStopping.*best/,
    ],
    [
      'a learning rate of -50',
      (m) => {
        (m.optimizer as Record<string, unknown>).learningRateOverride = -50;
      },
      'CORRUPT_DATA',
      /learningRateOverride/,
    ],
    [
      'a learning rate of NaN',
      (m) => {
        (m.optimizer as Record<string, unknown>).learningRateOverride = Number.NaN;
      },
      'CORRUPT_DATA',
      /learningRateOverride/,
    ],
    [
      'a learning rate of -50 inside the state tree',
      (m) => {
        const sk = (m.optimizer as { skeleton: Record<string, unknown>[] }).skeleton;
        sk[1] = { ...sk[1], learningRate: -50 };
      },
      'CORRUPT_DATA',
      /learning rate/,
    ],
    [
      'a step past the data',
      (m) => {
        m.position = { epoch: 1, step: 7 };
      },
      'CORRUPT_DATA',
      /past the data/,
    ],
    [
      'an epoch past fit({ epochs })',
      (m) => {
        m.position = { epoch: 9, step: 0 };
        m.layersRng = null;
        m.accumulator = null;
      },
      'INCOMPATIBLE',
      /past fit\(\{ epochs: 3 \}\)/,
    ],
    [
      'a running-sum count larger than the data',
      (m) => {
        (m.accumulator as { count: number }).count = 1000;
      },
      'CORRUPT_DATA',
      /accumulator/,
    ],
    [
      'an all-zero random stream',
      (m) => {
        m.layersRng = [0, 0, 0, 0];
      },
      'CORRUPT_DATA',
      /layersRng/,
    ],
    [
      'negative iterations',
      (m) => {
        (m.optimizer as Record<string, unknown>).iterations = -4;
      },
      'CORRUPT_DATA',
      /iterations/,
    ],
    [
      'a fractional step count in the optimizer state',
      (m) => {
        const sk = (m.optimizer as { skeleton: Record<string, unknown>[] }).skeleton;
        sk[0] = { ...sk[0], count: 2.5 };
      },
      'CORRUPT_DATA',
      /count/,
    ],
    [
      'an absurd parameter shape in the optimizer state',
      (m) => {
        const o = m.optimizer as { parameters: { shape: number[] }[] };
        o.parameters[0]!.shape = [1e6, 1e6];
      },
      'INCOMPATIBLE',
      /1000000/,
    ],
    [
      'a parameter listed with another shape than stored',
      (m) => {
        (m.parameters as { shape: number[] }[])[0]!.shape = [2, 5];
      },
      'CORRUPT_DATA',
      /listed as/,
    ],
    [
      'history epochs out of order',
      (m) => {
        (m.history as { epoch: number[] }).epoch = [0, 0];
      },
      'CORRUPT_DATA',
      /history.epoch/,
    ],
    [
      'an EarlyStopping wait of -1',
      (m) => {
        (m.callbacks as { meta: Record<string, unknown> }[])[0]!.meta.wait = -1;
      },
      'CORRUPT_DATA',
      /wait/,
    ],
    ['the metadata replaced by a string', () => 'nothing', 'CORRUPT_DATA', /object/],
  ];
  for (const [name, edit, code, message] of cases) {
    it(name, async () => {
      const { dir, trainer } = await target();
      rewriteMeta(dir, edit);
      const e = await expectRejectedUnchanged(trainer, dir, () => resume(trainer, dir), code);
      expect(e.message).toMatch(message);
    });
  }
});
