// Issue 20's catalogue ("nothing lost, ever"): every case the issue reproduced, pinned to the robustness test
// that shows it fixed. Items 1, 2, 3, 7 and 8 (training state, checkpoint files, lifetime, silent acceptance)
// are tested by topic in the checkpoint-* suites and the options catalogue; they are listed here. Items 4, 5,
// 6 and 9 (model files, setWeights, dataset paths, the CLI) are cases of the bad-input catalogue tagged
// `issue20`, counted here from its source. This test checks that every pinned test exists (its title, as
// written in its suite) and reports the count per item; the suites themselves run the cases, each asserting
// the typed error and that weights, optimizer state, files and live tensors are exactly as before.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Pin {
  /** The item of issue 20. */
  readonly item: 1 | 2 | 3 | 7 | 8;
  /** The case as the issue describes it. */
  readonly issue: string;
  /** The suite (in this folder) and the test's title (or its row in the suite's table), as written there. */
  readonly suite: string;
  readonly test: string;
}

const STATE = 'checkpoint-state.test.ts';
const FILES = 'checkpoint-files.test.ts';
const LIFETIME = 'checkpoint-lifetime.test.ts';
const OPTIONS = 'options-catalogue.test.ts';
/** The bad-input catalogue's cases (its test, bad-input-catalogue.test.ts, runs both files). */
const CATALOGUE = 'bad-input-cases-files.ts';

const PINS: readonly Pin[] = [
  // 1. Resuming with a different optimizer.
  { item: 1, issue: 'saved with adam(), resumed with nadam()', suite: STATE, test: "['nadam()'," },
  { item: 1, issue: 'resumed with rmsprop()', suite: STATE, test: "['rmsprop()'," },
  {
    item: 1,
    issue: 'resumed with an added clipnorm',
    suite: STATE,
    test: "['adam() with an added clipNorm',",
  },
  {
    item: 1,
    issue: 'another hyperparameter (the learning rate)',
    suite: STATE,
    test: "['adam() with another learning rate',",
  },
  { item: 1, issue: 'another chain of transforms', suite: STATE, test: "['sgd with momentum'," },
  {
    item: 1,
    issue: "Optimizer.setState never checks the state's structure",
    suite: STATE,
    test: "Optimizer.setState with another optimizer's state is INCOMPATIBLE and changes nothing",
  },
  {
    item: 1,
    issue: 'a hand-built chain with another state structure',
    suite: STATE,
    test: 'a hand-built chain whose state has another structure',
  },
  {
    item: 1,
    issue: 'the checkpoint never records which optimizer (transforms, hyperparameters) wrote it',
    suite: STATE,
    test: "the checkpoint records the optimizer that wrote it (transforms, hyperparameters) and the model's layers",
  },
  {
    item: 1,
    issue: 'a checkpoint of an older version (no descriptor)',
    suite: STATE,
    test: 'a checkpoint without an optimizer descriptor (older version) is still checked by the state structure',
  },
  {
    item: 1,
    issue: "the model's structure differs",
    suite: STATE,
    test: 'another model (other layer names, other shapes)',
  },
  {
    item: 1,
    issue: 'how to proceed: load the weights only',
    suite: STATE,
    test: 'loadCheckpointWeights keeps the weights only, all or nothing',
  },
  // 2. Validation after mutation (well-formed, re-hashed metadata).
  {
    item: 2,
    issue: 'history values of the wrong type',
    suite: STATE,
    test: "'history values of the wrong type',",
  },
  {
    item: 2,
    issue: 'an EarlyStopping "best" that is a string',
    suite: STATE,
    test: "'an EarlyStopping best that is a string',",
  },
  { item: 2, issue: 'a learning rate of -50', suite: STATE, test: "'a learning rate of -50'," },
  { item: 2, issue: 'a learning rate of NaN', suite: STATE, test: "'a learning rate of NaN'," },
  {
    item: 2,
    issue: 'a learning rate of -50 in the optimizer state',
    suite: STATE,
    test: "'a learning rate of -50 inside the state tree',",
  },
  { item: 2, issue: 'a step past the data', suite: STATE, test: "'a step past the data'," },
  { item: 2, issue: 'an epoch past fit({ epochs })', suite: STATE, test: "'an epoch past fit({ epochs })'," },
  {
    item: 2,
    issue: 'running sums counting more samples than the data',
    suite: STATE,
    test: "'a running-sum count larger than the data',",
  },
  { item: 2, issue: 'a random stream that cannot be', suite: STATE, test: "'an all-zero random stream'," },
  { item: 2, issue: 'negative iterations', suite: STATE, test: "'negative iterations'," },
  {
    item: 2,
    issue: 'a fractional step count in the optimizer state',
    suite: STATE,
    test: "'a fractional step count in the optimizer state',",
  },
  {
    item: 2,
    issue: 'an absurd parameter shape (allocation)',
    suite: STATE,
    test: "'an absurd parameter shape in the optimizer state',",
  },
  {
    item: 2,
    issue: 'a parameter listed with another shape than stored',
    suite: STATE,
    test: "'a parameter listed with another shape than stored',",
  },
  { item: 2, issue: 'history epochs out of order', suite: STATE, test: "'history epochs out of order'," },
  { item: 2, issue: 'an EarlyStopping wait of -1', suite: STATE, test: "'an EarlyStopping wait of -1'," },
  {
    item: 2,
    issue: 'the metadata not an object',
    suite: STATE,
    test: "['the metadata replaced by a string',",
  },
  {
    item: 2,
    issue: 'semantic fuzzing: well-formed, correctly hashed but wrong checkpoints',
    suite: 'checkpoint-fuzz.test.ts',
    test: 'seeded mutations: rejected cleanly or accepted, never a raw error or a leak',
  },
  // 3. The checkpoint reader follows symlinks and special files.
  {
    item: 3,
    issue: 'a generation folder symlinked outside the checkpoint folder',
    suite: FILES,
    test: 'a generation folder linked outside the checkpoint folder is refused',
  },
  {
    item: 3,
    issue: 'tensors.bin symlinked outside the checkpoint folder',
    suite: FILES,
    test: 'tensors.bin linked outside the checkpoint folder is refused',
  },
  {
    item: 3,
    issue: '`latest` pointing at /dev/zero reads 640 MB',
    suite: FILES,
    test: 'latest linked to /dev/zero is refused without reading it',
  },
  {
    item: 3,
    issue: '`latest` as a FIFO hangs fit forever',
    suite: FILES,
    test: 'latest as a FIFO is refused at once (no hang)',
  },
  {
    item: 3,
    issue: 'sizes checked with stat: a folder, or more bytes than allowed',
    suite: FILES,
    test: 'latest as a folder is refused',
  },
  {
    item: 3,
    issue: 'reads bounded while reading',
    suite: FILES,
    test: 'latest holding a long text is refused by the in-read limit',
  },
  {
    item: 3,
    issue: 'the other checkpoint files as a FIFO or a folder',
    suite: FILES,
    test: 'checkpoint.json as a FIFO and tensors.bin as a folder are refused',
  },
  {
    item: 3,
    issue: 'a model.json that is a FIFO (hang)',
    suite: CATALOGUE,
    test: 'a model.json that is a FIFO (a typed error, no hang)',
  },
  {
    item: 3,
    issue: 'a model.json that is a folder (raw EISDIR)',
    suite: FILES,
    test: 'loading a model whose model.json is a folder is CORRUPT_DATA, not a raw EISDIR',
  },
  {
    item: 3,
    issue: 'stale latest.tmp-<pid> files are never removed',
    suite: FILES,
    test: 'the next write removes the temporaries of dead processes and keeps a live one',
  },
  // 7. Concurrency and lifetime.
  {
    item: 7,
    issue: 'two trainers fitting one model at once interleave their updates',
    suite: LIFETIME,
    test: 'a second trainer fitting the same model during a fit is BUSY, and the running fit is unaffected',
  },
  { item: 7, issue: 'trainOnBatch during a fit', suite: LIFETIME, test: 'trainOnBatch during a fit is BUSY' },
  {
    item: 7,
    issue: 'trainer.dispose() during fit orphans 8 tensors',
    suite: LIFETIME,
    test: 'dispose() during fit ends the fit after its batch and orphans no tensor',
  },
  {
    item: 7,
    issue: "predict/fit on a disposed model is a TypeError about reading 'backend'",
    suite: LIFETIME,
    test: 'predict, evaluate, fit and trainOnBatch on a disposed trainer or model are DISPOSED',
  },
  // 8. Silent acceptance.
  {
    item: 8,
    issue: 'trainOnBatch with labels 7 or -1 for a 3-class model updates the weights',
    suite: LIFETIME,
    test: 'for (const bad of [7, -1])',
  },
  {
    item: 8,
    issue: 'labels out of range in evaluate and fit',
    suite: LIFETIME,
    test: 'evaluate and fit with labels out of range are OUT_OF_RANGE',
  },
  {
    item: 8,
    issue: 'findLearningRate with labels out of range suggests 1e-7',
    suite: LIFETIME,
    test: 'findLearningRate with labels out of range is OUT_OF_RANGE, not a suggestion',
  },
  { item: 8, issue: 'sgd({ lr: 0.5 }) is ignored', suite: OPTIONS, test: "'sgd({ lr: 0.5 })'," },
  { item: 8, issue: 'fit({ epoch: 3 }) is ignored', suite: OPTIONS, test: "['fit({ epoch: 3 })'," },
  {
    item: 8,
    issue: 'sgd({ learning_rate: 0.5 }) is ignored',
    suite: OPTIONS,
    test: "'sgd({ learning_rate: 0.5 })',",
  },
  {
    item: 8,
    issue: 'an unwritable checkpoint folder is reported after the first epoch',
    suite: LIFETIME,
    test: 'an unwritable checkpoint folder fails before the first epoch trains',
  },
  {
    item: 8,
    issue: 'Dense({ units: 1e9 }) is a RangeError',
    suite: LIFETIME,
    test: 'Dense({ units: 1e9 }) is a typed error, not a RangeError',
  },
];

const here = dirname(fileURLToPath(import.meta.url));
const source = (suite: string) => readFileSync(join(here, suite), 'utf8');

describe("issue 20's catalogue", () => {
  it('every pinned case names a test that exists in its suite', () => {
    const missing = PINS.filter((p) => !source(p.suite).includes(p.test)).map(
      (p) => `item ${p.item}, ${p.issue}: no "${p.test}" in ${p.suite}`,
    );
    expect(missing).toEqual([]);
  });

  it('covers items 1, 2, 3, 7 and 8 here and 4, 5, 6 and 9 in the bad-input catalogue, and reports the count', () => {
    const count = (items: readonly number[], of: (item: number) => number) =>
      items.map((i) => `item ${i}: ${of(i)}`).join(', ');
    const pinned = (item: number) => PINS.filter((p) => p.item === item).length;
    const tags = [...source(CATALOGUE).matchAll(/^\s*issue20: (\d+),$/gm)].map((m) => Number(m[1]));
    const tagged = (item: number) => tags.filter((t) => t === item).length;
    for (const item of [1, 2, 3, 7, 8]) expect(pinned(item), `item ${item}`).toBeGreaterThan(0);
    for (const item of [4, 5, 6, 9]) expect(tagged(item), `item ${item}`).toBeGreaterThan(0);
    console.log(
      `issue 20 catalogue: ${PINS.filter((p) => p.suite !== CATALOGUE).length + tags.length} cases — ${count([1, 2, 3, 7, 8], pinned)} (checkpoint and options suites); ${count([4, 5, 6, 9], tagged)} (bad-input catalogue); bars: checkpoint-sigkill, model-files-sigkill, model-files-memory`,
    );
  });
});
