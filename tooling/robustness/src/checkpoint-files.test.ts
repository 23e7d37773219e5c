// Issue 20, item 3: the checkpoint reader refuses what is not a regular file inside the checkpoint folder,
// bounds every read while reading, and the writer cleans the temporaries of crashed writes. Every rejected
// resume leaves weights, optimizer state, files and live tensors exactly as they were.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerGradients, SteadygradError, type Tensor, tf } from '@steadygrad/core';
import { loadLayersModel } from '@steadygrad/interop';
import type { Sequential } from '@steadygrad/nn';
import { readCheckpoint, type Trainer } from '@steadygrad/train';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  expectRejectedUnchanged,
  fitRun,
  threeClassData,
  threeClassModel,
  trainerFor,
} from './checkpoint-fixture.js';

let x: Tensor;
let y: Tensor;
let model: Sequential;
let trainer: Trainer;
let root: string;
let dir: string;

beforeAll(async () => {
  registerGradients();
  ({ x, y } = threeClassData());
  root = mkdtempSync(join(tmpdir(), 'sg-ckpt-files-'));
});
afterAll(() => {
  tf.dispose([x, y]);
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
beforeEach(async () => {
  dir = join(root, `run-${n++}`);
  const source = threeClassModel();
  const t = trainerFor(source);
  await fitRun(t, x, y, { epochs: 1, checkpoint: { dir } });
  t.dispose();
  source.dispose();
  model?.dispose();
  model = threeClassModel(99); // other weights: a resume that went through would change them
  trainer = trainerFor(model);
});

const resume = () => fitRun(trainer, x, y, { epochs: 2, resumeFrom: dir });

describe('checkpoint files (issue 20, item 3)', () => {
  it('a valid checkpoint resumes (the fixture works)', async () => {
    expect((await readCheckpoint(dir)).generation).toBe(1);
    await resume();
    expect(trainer.optimizer.iterations).toBe(6);
  });

  it('latest as a FIFO is refused at once (no hang)', async () => {
    rmSync(join(dir, 'latest'));
    execFileSync('mkfifo', [join(dir, 'latest')]);
    const e = await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA');
    expect(e.message).toMatch(/FIFO/);
  });

  it('latest linked to /dev/zero is refused without reading it', async () => {
    rmSync(join(dir, 'latest'));
    symlinkSync('/dev/zero', join(dir, 'latest'));
    const e = await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA');
    expect(e.message).toMatch(/outside/);
  });

  it('latest as a folder is refused', async () => {
    rmSync(join(dir, 'latest'));
    mkdirSync(join(dir, 'latest'));
    const e = await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA');
    expect(e.message).toMatch(/folder/);
  });

  it('latest holding a long text is refused by the in-read limit', async () => {
    writeFileSync(join(dir, 'latest'), `ckpt-00000001${' '.repeat(10_000)}\n`);
    const e = await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA');
    expect(e.message).toMatch(/64-byte limit/);
  });

  it('a generation folder linked outside the checkpoint folder is refused', async () => {
    const outside = join(root, `outside-${n}`);
    renameSync(join(dir, 'ckpt-00000001'), outside);
    symlinkSync(outside, join(dir, 'ckpt-00000001'));
    const e = await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA');
    expect(e.message).toMatch(/outside/);
  });

  it('tensors.bin linked outside the checkpoint folder is refused', async () => {
    const gen = join(dir, 'ckpt-00000001');
    const outside = join(root, `tensors-${n}.bin`);
    renameSync(join(gen, 'tensors.bin'), outside);
    symlinkSync(outside, join(gen, 'tensors.bin'));
    const e = await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA');
    expect(e.message).toMatch(/outside/);
  });

  it('checkpoint.json as a FIFO and tensors.bin as a folder are refused', async () => {
    const gen = join(dir, 'ckpt-00000001');
    rmSync(join(gen, 'tensors.bin'));
    mkdirSync(join(gen, 'tensors.bin'));
    expect((await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA')).message).toMatch(/folder/);
    rmSync(join(gen, 'checkpoint.json'));
    execFileSync('mkfifo', [join(gen, 'checkpoint.json')]);
    expect((await expectRejectedUnchanged(trainer, dir, resume, 'CORRUPT_DATA')).message).toMatch(/FIFO/);
  });

  it('the next write removes the temporaries of dead processes and keeps a live one', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dir, `latest.tmp-${dead}`), 'ckpt-00000009\n');
    mkdirSync(join(dir, `.tmp-ckpt-00000002-${dead}-1700000000000`));
    writeFileSync(join(dir, `latest.tmp-${process.ppid}`), 'in progress\n');
    await fitRun(trainer, x, y, { epochs: 2, resumeFrom: dir, checkpoint: { dir } });
    const names = readdirSync(dir).sort();
    expect(names).toEqual(['ckpt-00000001', 'ckpt-00000002', 'latest', `latest.tmp-${process.ppid}`].sort());
  });
});

describe('model files of the wrong kind (issue 20, item 3: "same for a model.json that is a FIFO or a folder")', () => {
  it('loading a model whose model.json is a folder is CORRUPT_DATA, not a raw EISDIR (the FIFO: bad-input catalogue)', async () => {
    const m = join(root, `folder-model-${n}`);
    mkdirSync(join(m, 'model.json'), { recursive: true });
    const tensors = tf.memory().numTensors;
    const e = await loadLayersModel(m).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SteadygradError);
    expect((e as SteadygradError).code).toBe('CORRUPT_DATA');
    expect((e as SteadygradError).message).toMatch(/model\.json.* is a folder, not a regular file/);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(readdirSync(m)).toEqual(['model.json']);
  });
});
